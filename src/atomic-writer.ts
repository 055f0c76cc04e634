import {
  lockedOptions,
  type ReadOptions,
  readOptions,
  splitLockOptions,
  type UpdateOptions,
  type WithLockOptions,
} from './call-options.js'
import { resolveLockOptions } from './core/file-lock.js'
import { refuseDirectoryFormSync } from './core/file-target.js'
import { toAbsolutePath } from './core/paths.js'
import { confinedRead, readVersionedSteps, type Versioned } from './core/read.js'
import { checkRoot } from './core/resolve-target.js'
import { WriterCore } from './core/writer-core.js'
import { multiEdit, multiEditSync } from './edit/multi-edit.js'
import type { Edit, EditOptions, EditResult } from './edit/types.js'
import { AbortError, invalidArgType } from './errors.js'
import {
  type JsonOptions,
  type JsonRead,
  type ReadJsonOptions,
  readJsonSteps,
  safeWriteJsonSteps,
  splitJsonOptions,
} from './formats/json.js'
import { splitTextOptions, type TextOptions, writeTextSteps } from './formats/markdown.js'
import { checkUpdater, updateJsonSteps, updateSteps } from './lock/update.js'
import { API_OPTIONS } from './option-spec.js'
import { checkOptionsObject, type WriteOptions } from './options.js'

export type { ReadOptions, UpdateOptions, WithLockOptions } from './call-options.js'

import type { WriteStats } from './stats.js'
import { AtomicWriteStream } from './stream/atomic-write-stream.js'
import { type BatchEntry, type BatchOptions, type BatchStats, batchWrite } from './txn/batch.js'
import { type Checkpoint, createCheckpoint } from './txn/checkpoint.js'
import type { RecoveryReport } from './txn/recover.js'
import { type RecoverOptions, recoverDir } from './txn/recover-dir.js'
import { runTransaction, type TxOptions, type TxStats } from './txn/run-transaction.js'
import type { Transaction } from './txn/transaction.js'

/** Fails with ABORT_ERR when `signal` is aborted: `fn` of withLock is not called. */
function refuseAborted(signal: AbortSignal | undefined, path: string, held: boolean): void {
  if (!signal?.aborted) return
  const what = held ? 'the lock was released again' : 'no lock was taken'
  throw new AbortError(`withLock on ${path} was aborted before its callback ran; ${what}.`, {
    path,
    cause: signal.reason,
  })
}

function checkText(text: unknown): string {
  if (typeof text !== 'string') throw invalidArgType('text', 'a string', text)
  return text
}

/**
 * Atomic, durable writes with shared defaults and state: the fs seam, per-path FIFO queues and
 * directory group commit. The free functions (`writeFile`, ...) use one shared default writer.
 * @example
 * const writer = new AtomicWriter({ root: '/srv/data', durability: 'durable' })
 * await writer.writeFile('/srv/data/state.json', '{}')
 */
export class AtomicWriter extends WriterCore {
  /**
   * Reads a file with its version, for a later compare-and-swap (`ifMatch`).
   * @example
   * const { content, version } = await writer.readVersioned('notes.md', { encoding: 'utf8' })
   * await writer.writeFile('notes.md', content + '\n- more', { ifMatch: version })
   */
  async readVersioned(path: string | URL, options: { encoding: BufferEncoding }): Promise<Versioned<string>>
  async readVersioned(path: string | URL, options?: ReadOptions): Promise<Versioned<Buffer>>
  async readVersioned(path: string | URL, options?: ReadOptions): Promise<Versioned<string | Buffer>> {
    const abs = toAbsolutePath(path)
    const { encoding, root } = readOptions(options)
    const ctx = this.begin(root)
    const { bytes, version } = await this.run(
      ctx,
      confinedRead(abs, ctx.options.root, readVersionedSteps(abs)),
    )
    return { content: encoding ? bytes.toString(encoding) : bytes, version }
  }

  /** Synchronous {@link readVersioned}. */
  readVersionedSync(path: string | URL, options: { encoding: BufferEncoding }): Versioned<string>
  readVersionedSync(path: string | URL, options?: ReadOptions): Versioned<Buffer>
  readVersionedSync(path: string | URL, options?: ReadOptions): Versioned<string | Buffer> {
    const abs = toAbsolutePath(path)
    const { encoding, root } = readOptions(options)
    const ctx = this.begin(root)
    const { bytes, version } = this.runSync(ctx, confinedRead(abs, ctx.options.root, readVersionedSteps(abs)))
    return { content: encoding ? bytes.toString(encoding) : bytes, version }
  }

  /**
   * Serializes `value` as JSON (2-space indent and a final newline by default) and writes it atomically.
   * Values that cannot be serialized fail with `ERR_SERIALIZE` naming the JSON path; large values are
   * serialized incrementally with bounded memory.
   * @example
   * await writer.safeWriteJson('package.json', pkg, { stable: true })
   */
  async safeWriteJson(path: string | URL, value: unknown, options?: JsonOptions): Promise<WriteStats> {
    const json = splitJsonOptions(options)
    return this.writeCall(path, json.write, (abs, ctx) => safeWriteJsonSteps(abs, value, json, ctx.options))
  }

  /** Synchronous {@link safeWriteJson}. */
  safeWriteJsonSync(path: string | URL, value: unknown, options?: JsonOptions): WriteStats {
    const json = splitJsonOptions(options)
    return this.writeCallSync(path, json.write, (abs, ctx) =>
      safeWriteJsonSteps(abs, value, json, ctx.options),
    )
  }

  /**
   * Reads and parses a JSON file with its version. A corrupt file fails with `ERR_PARSE` naming the
   * line and column; a missing file returns `default` (version `null`) when one is given.
   * @example
   * const { value, version } = await writer.readJson('state.json', { default: { count: 0 } })
   */
  async readJson<T = unknown>(path: string | URL, options?: ReadJsonOptions<T>): Promise<JsonRead<T>> {
    const abs = toAbsolutePath(path)
    const { root, ...o } = checkOptionsObject(
      options,
      'options',
      API_OPTIONS.readJson,
      'readJson',
    ) as ReadJsonOptions<T>
    const ctx = this.begin(root === undefined ? undefined : { root })
    return this.run(ctx, confinedRead(abs, ctx.options.root, readJsonSteps(abs, o)))
  }

  /** Synchronous {@link readJson}. */
  readJsonSync<T = unknown>(path: string | URL, options?: ReadJsonOptions<T>): JsonRead<T> {
    const abs = toAbsolutePath(path)
    const { root, ...o } = checkOptionsObject(
      options,
      'options',
      API_OPTIONS.readJson,
      'readJson',
    ) as ReadJsonOptions<T>
    const ctx = this.begin(root === undefined ? undefined : { root })
    return this.runSync(ctx, confinedRead(abs, ctx.options.root, readJsonSteps(abs, o)))
  }

  /**
   * Writes text (Markdown or any text file) atomically, keeping the line endings, final newline and
   * BOM of the file it replaces unless told otherwise.
   * @example
   * await writer.safeWriteMd('README.md', text, { finalNewline: 'ensure' })
   */
  async safeWriteMd(path: string | URL, text: string, options?: TextOptions): Promise<WriteStats> {
    const { policy, write } = splitTextOptions(options)
    const checked = checkText(text)
    return this.writeCall(path, write, (abs, ctx) => writeTextSteps(abs, checked, policy, ctx.options))
  }

  /** Synchronous {@link safeWriteMd}. */
  safeWriteMdSync(path: string | URL, text: string, options?: TextOptions): WriteStats {
    const { policy, write } = splitTextOptions(options)
    const checked = checkText(text)
    return this.writeCallSync(path, write, (abs, ctx) => writeTextSteps(abs, checked, policy, ctx.options))
  }

  /**
   * Runs `fn` holding the cross-process lock on `path` (`<path>.lock`, proper-lockfile); the target
   * need not exist. Writes with `lock: true` inside `fn` re-enter this lock. If the lock is lost while
   * held, the call fails with `ERR_LOCK_COMPROMISED` (and writes under it refuse to commit). With
   * `root` (the option or the writer's), the path and the file it leads to must lie inside it
   * (`ERR_OUTSIDE_ROOT`, before any lock or directory is made and before `fn` runs).
   * @example
   * await writer.withLock('counter.txt', async () => { ... })
   */
  async withLock<T>(path: string | URL, fn: () => T | Promise<T>, options?: WithLockOptions): Promise<T> {
    const abs = toAbsolutePath(path)
    checkUpdater(fn)
    const { root, signal, lock } = splitLockOptions(options)
    const ctx = this.begin({ lock: resolveLockOptions(lock, 'options', 'withLock'), root })
    refuseAborted(signal, abs, false)
    if (ctx.options.root !== undefined) await this.run(ctx, checkRoot(abs, ctx.options.root))
    return this.holdingLock(
      abs,
      ctx,
      async () => {
        refuseAborted(signal, abs, true)
        const result = await fn()
        await this.run(ctx, ctx.options.guard!.check())
        return result
      },
      true,
    )
  }

  /**
   * Read-modify-write under the cross-process lock: reads the text (undefined when missing), calls `fn`,
   * writes what it returns — nothing when it is unchanged. Errors thrown by `fn` leave the file untouched.
   * Do not write the same path inside `fn`; return the new content instead.
   * @example
   * await writer.update('TODO.md', (text = '') => text + '- ship it\n')
   */
  async update(
    path: string | URL,
    fn: (current: string | undefined) => string | Promise<string>,
    options?: UpdateOptions,
  ): Promise<WriteStats> {
    checkUpdater(fn)
    return this.writeCall(
      path,
      lockedOptions(options, API_OPTIONS.update, 'update'),
      (abs, ctx) => updateSteps(abs, fn, ctx.options),
      'write',
      'read',
    )
  }

  /**
   * Read-modify-write of a JSON file under the cross-process lock: parse (a copy of `default` when
   * missing), `fn`, serialize, write unless unchanged. Resolves with the WriteStats and the new value.
   * @example
   * await writer.updateJson('stats.json', (s) => ({ ...s, runs: s.runs + 1 }), { default: { runs: 0 } })
   */
  updateJson<T>(
    path: string | URL,
    fn: (current: T) => T | Promise<T>,
    options: JsonOptions & UpdateOptions & { default: T },
  ): Promise<WriteStats & { value: T }>
  updateJson<T>(
    path: string | URL,
    fn: (current: T | undefined) => T | Promise<T>,
    options?: JsonOptions & UpdateOptions & { default?: T },
  ): Promise<WriteStats & { value: T }>
  async updateJson<T>(
    path: string | URL,
    fn: (current: T | undefined) => T | Promise<T>,
    options?: JsonOptions & UpdateOptions & { default?: T },
  ): Promise<WriteStats & { value: T }> {
    checkUpdater(fn)
    const spec = API_OPTIONS.updateJson
    const { default: fallback, ...rest } = checkOptionsObject(
      options,
      'options',
      spec,
      'updateJson',
    ) as JsonOptions & {
      default?: T
    }
    const json = splitJsonOptions(rest, 'updateJson', spec)
    const has = options !== undefined && options !== null && 'default' in options
    return this.writeCall(
      path,
      lockedOptions(json.write, spec, 'updateJson'),
      (abs, ctx) => updateJsonSteps(abs, fn, json, has ? { value: fallback as T } : undefined, ctx.options),
      'write',
      'read',
    )
  }

  /**
   * Applies string edits to a text file, all or nothing: one read, one atomic write. Every `oldString`
   * is matched against the file as read; edits whose matches overlap fail with `ERR_EDIT_OVERLAP`. Keeps
   * line endings, BOM and final newline. Fails with `ERR_EDIT_*` errors an agent can act on.
   * @example
   * const { diff } = await writer.multiEdit('src/app.ts', [{ oldString: 'port = 80', newString: 'port = 8080' }])
   */
  multiEdit(path: string | URL, edits: readonly Edit[], options?: EditOptions): Promise<EditResult> {
    return multiEdit(this, path, edits, options)
  }

  /** Synchronous {@link multiEdit}. */
  multiEditSync(path: string | URL, edits: readonly Edit[], options?: EditOptions): EditResult {
    return multiEditSync(this, path, edits, options)
  }

  /**
   * Writes many files: atomically together (default, one transaction) or each on its own
   * (`atomic: false`, failures reported together as `ERR_BATCH_PARTIAL`).
   * @example
   * await writer.batchWrite([{ path: 'a.txt', data: 'A' }, { path: 'b.txt', data: 'B' }])
   */
  batchWrite(entries: BatchEntry[], options?: BatchOptions): Promise<BatchStats> {
    return batchWrite(this, entries, options)
  }

  /**
   * Stages changes in `fn`, then commits them together, atomically across a crash (redo manifest).
   * If `fn` throws, nothing is written and its error is rethrown unchanged.
   * @example
   * await writer.writeTransaction(async (tx) => {
   *   tx.writeJson('a.json', a)
   *   tx.remove('old.json')
   * })
   */
  writeTransaction<T>(
    fn: (tx: Transaction) => Promise<T> | T,
    options?: TxOptions,
  ): Promise<TxStats & { result: T }> {
    return runTransaction(this, fn, options)
  }

  /**
   * Completes or undoes interrupted transactions journaled in `dir` and removes leftover temp files.
   * @example
   * const report = await writer.recover('/srv/data')
   */
  recover(dir: string | URL, options?: RecoverOptions): Promise<RecoveryReport> {
    return recoverDir(this, dir, options)
  }

  /**
   * Captures the current content of files (copy-on-write clones where possible, never hard links),
   * to `restore()` later as one transaction, or `discard()`. The copies go to
   * `.durable-write/checkpoints/<id>/` in the common parent of the paths (real directories only: a
   * symlink there is `ERR_JOURNAL_CORRUPT`), or to `<options.dir>/<id>/`. With the writer's `root` set,
   * the paths and `options.dir` must lie inside it (`ERR_OUTSIDE_ROOT`).
   * @example
   * const cp = await writer.checkpoint(['a.ts', 'b.ts'])
   * try { await risky() } catch { await cp.restore() }
   */
  checkpoint(paths: readonly (string | URL)[], options?: { dir?: string | URL }): Promise<Checkpoint> {
    return createCheckpoint(this, paths, options)
  }

  /**
   * A Writable that commits atomically: data goes to a temp file; `'finish'` is emitted only after the
   * commit, with `stream.stats` set; `destroy(err)`, an error or an abort leaves the target untouched.
   * @example
   * await pipeline(source, writer.createWriteStream('dump.ndjson'))
   */
  createWriteStream(path: string | URL, options?: WriteOptions): AtomicWriteStream {
    const abs = toAbsolutePath(path)
    const ctx = this.begin(options, 'createWriteStream')
    refuseDirectoryFormSync(path, abs, ctx.fs)
    return new AtomicWriteStream(this, abs, ctx)
  }
}
