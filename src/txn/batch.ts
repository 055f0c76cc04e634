import { collect, type Data, toSource } from '../core/data.js'
import { refuseDirectoryFormSync } from '../core/file-target.js'
import { toAbsolutePath } from '../core/paths.js'
import type { WriterCore } from '../core/writer-core.js'
import { publish } from '../diagnostics.js'
import { argumentError, BatchPartialError, invalidArgType } from '../errors.js'
import { nodeFs } from '../fs/node-fs.js'
import { API_OPTIONS, BATCH_ENTRY_SPEC } from '../option-spec.js'
import { checkOptionsObject, resolveWriteOptions, type WriteOptions } from '../options.js'
import { addOps, emptyOps, type OpCounts, type WriteStats } from '../stats.js'
import { checkOptionNames } from '../unknown-options.js'
import type { TxItem } from './commit.js'
import { commitItems, splitTxOptions, type TxOptions } from './run-transaction.js'

/** One file of a batch. */
export interface BatchEntry {
  path: string | URL
  data: Data
  /** Per-file options, over the batch's. */
  options?: WriteOptions | undefined
}

/** Options of batchWrite. */
export interface BatchOptions extends TxOptions {
  /**
   * `true`: all files commit together across a crash (one transaction). `false`: each file is written
   * atomically on its own, every entry is attempted, failures are reported together.
   * @default true
   */
  atomic?: boolean | undefined
}

/** What a batch did. */
export interface BatchStats {
  files: WriteStats[]
  bytesWritten: number
  ops: OpCounts
  durationMs: number
  atomic: boolean
}

/**
 * Checks the entries before anything is touched: each an object `{ path, data, options? }` with no
 * other key, its options write options (over `base`, the batch's), and no two naming the same file
 * (compared as absolute paths).
 */
function checkEntries(entries: unknown, base: WriteOptions): BatchEntry[] {
  if (!Array.isArray(entries))
    throw invalidArgType('entries', 'an array of { path, data, options? }', entries)
  const seen = new Map<string, number>()
  entries.forEach((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e))
      throw invalidArgType(`entries[${i}]`, 'an object { path, data, options? }', e)
    checkOptionNames(e, BATCH_ENTRY_SPEC, `entries[${i}]`, 'batchWrite')
    const abs = toAbsolutePath((e as BatchEntry).path, `entries[${i}].path`)
    const o = resolveWriteOptions((e as BatchEntry).options, base, 'batchWrite', `entries[${i}].options`)
    refuseDirectoryFormSync((e as BatchEntry).path, abs, o.fs ?? nodeFs())
    const first = seen.get(abs)
    if (first !== undefined) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `\`entries[${first}]\` and \`entries[${i}]\` both write ${abs}; a batch writes each file once. Merge them into one entry; nothing was written.`,
      )
    }
    seen.set(abs, i)
  })
  return entries as BatchEntry[]
}

async function atomicBatch(
  writer: WriterCore,
  entries: BatchEntry[],
  options: BatchOptions | undefined,
): Promise<BatchStats> {
  const tx = splitTxOptions(options, 'batchWrite', API_OPTIONS.batchWrite)
  const ctx = writer.begin(tx.write, 'batchWrite')
  const base = { ...writer.defaults, ...tx.write }
  const prepared = entries.map((e, i) => {
    const abs = toAbsolutePath(e.path, `entries[${i}].path`)
    const o = resolveWriteOptions(e.options, base, 'batchWrite', `entries[${i}].options`)
    return { abs, o, source: toSource(e.data, o.encoding) }
  })
  const items: TxItem[] = []
  for (const p of prepared) {
    const bytes = 'bytes' in p.source ? p.source.bytes : await writer.run(ctx, collect(p.source))
    items.push({ kind: 'write', abs: p.abs, bytes, options: p.o })
  }
  const stats = await commitItems(writer, ctx, items, tx, 'batch')
  return {
    files: stats.files,
    bytesWritten: stats.bytesWritten,
    ops: stats.ops,
    durationMs: stats.durationMs,
    atomic: true,
  }
}

async function independentBatch(
  writer: WriterCore,
  entries: BatchEntry[],
  options: BatchOptions | undefined,
): Promise<BatchStats> {
  const started = performance.now()
  const tx = splitTxOptions(options, 'batchWrite', API_OPTIONS.batchWrite)
  const results: PromiseSettledResult<WriteStats>[] = new Array(entries.length)
  let next = 0
  const worker = async () => {
    while (next < entries.length) {
      const i = next++
      const e = entries[i]!
      try {
        results[i] = {
          status: 'fulfilled',
          value: await writer.writeFile(e.path, e.data, { ...tx.write, ...e.options }),
        }
      } catch (reason) {
        results[i] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(tx.concurrency, Math.max(1, entries.length)) }, worker))
  const failed = results.filter((r) => r.status === 'rejected').length
  if (failed > 0) {
    throw new BatchPartialError(
      `${failed} of ${entries.length} files of the batch could not be written (each file is either fully written or untouched); see \`results\` for each entry.`,
      { results },
    )
  }
  const files = results.map((r) => (r as PromiseFulfilledResult<WriteStats>).value)
  const stats: BatchStats = {
    files,
    bytesWritten: files.reduce((n, f) => n + f.bytesWritten, 0),
    ops: files.reduce((ops, f) => addOps(ops, f.ops), emptyOps()),
    durationMs: performance.now() - started,
    atomic: false,
  }
  publish('batch', stats)
  return stats
}

/**
 * Writes many files. `atomic: true` (default) commits them as one transaction; `atomic: false`
 * writes each atomically on its own (directory syncs shared) and throws ERR_BATCH_PARTIAL with one
 * settled result per entry if any failed.
 */
export async function batchWrite(
  writer: WriterCore,
  entries: BatchEntry[],
  options?: BatchOptions,
): Promise<BatchStats> {
  const { atomic } = checkOptionsObject(
    options,
    'options',
    API_OPTIONS.batchWrite,
    'batchWrite',
  ) as BatchOptions
  if (atomic !== undefined && typeof atomic !== 'boolean')
    throw invalidArgType('options.atomic', 'a boolean', atomic)
  const { atomic: _drop, ...rest } = (options ?? {}) as BatchOptions
  const tx = splitTxOptions(rest, 'batchWrite', API_OPTIONS.batchWrite)
  const list = checkEntries(entries, { ...writer.defaults, ...tx.write })
  return atomic === false ? independentBatch(writer, list, rest) : atomicBatch(writer, list, rest)
}
