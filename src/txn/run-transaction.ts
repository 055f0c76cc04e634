import { dirname, join } from 'node:path'
import { acquire, type HeldLock, type LockOptions, resolveLockOptions } from '../core/file-lock.js'
import { makeDirs } from '../core/make-dirs.js'
import { toAbsolutePath } from '../core/paths.js'
import { checkAccess, checkRootOfDirs } from '../core/resolve-target.js'
import { newTxid } from '../core/temp-file.js'
import { foreignError } from '../core/trusted-owner.js'
import type { CallContext, WriterCore } from '../core/writer-core.js'
import { publish } from '../diagnostics.js'
import { hasCode, invalidArgType, invalidArgValue, throwIfAborted } from '../errors.js'
import { API_OPTIONS, type OptionSpec } from '../option-spec.js'
import { checkOptionsObject, type WriteOptions } from '../options.js'
import { emptyOps, type OpCounts, type WriteStats } from '../stats.js'
import type { Steps } from '../steps/op.js'
import { lstat } from '../steps/vocabulary.js'
import { commitTransaction, type TxFileOutcome, type TxItem, type TxPlan } from './commit.js'
import { commonParent, JOURNAL_DIRNAME } from './journal.js'
import { emptyReport, type RecoveryReport, recoverJournal, scopeOf } from './recover.js'
import { StagedTransaction, type Transaction } from './transaction.js'

/** Options of writeTransaction and atomic batches: defaults for every file, plus the journal's. */
export interface TxOptions extends Omit<WriteOptions, 'lock'> {
  /**
   * Where manifests are journaled; must be on the same file system as the targets.
   * @default `.durable-write` in the deepest common parent directory of the targets
   */
  journalDir?: string | URL | undefined
  /**
   * How many files are prepared at once.
   * @default the libuv pool size (UV_THREADPOOL_SIZE, 4 unless set)
   */
  concurrency?: number | undefined
  /** Options of the journal lock that serializes transactions across processes. */
  lock?: LockOptions | undefined
}

/** What a transaction (or an atomic batch) did. */
export interface TxStats {
  /** One entry per file written (including unchanged ones skipped by skipUnchanged). */
  files: WriteStats[]
  /** Absolute paths removed. */
  removed: string[]
  bytesWritten: number
  /** Every system call of the transaction, recovery of the journal included. */
  ops: OpCounts
  durationMs: number
  /** What the recovery run before this transaction found in its journal. */
  recovered: RecoveryReport
}

/** The concurrency used when none is given: the libuv pool size. */
export function defaultConcurrency(): number {
  const n = Number(process.env.UV_THREADPOOL_SIZE)
  return Number.isInteger(n) && n > 0 ? n : 4
}

/**
 * Splits TxOptions into the transaction's own options and the per-file write defaults; every option
 * name is checked against `spec`, the declaration of the calling API (`api`).
 */
export function splitTxOptions(
  options: unknown,
  api = 'writeTransaction',
  spec: OptionSpec = API_OPTIONS.writeTransaction,
): {
  journalDir: string | undefined
  concurrency: number
  lock: LockOptions | undefined
  write: WriteOptions
} {
  const { journalDir, concurrency, lock, ...write } = checkOptionsObject(
    options,
    'options',
    spec,
    api,
  ) as TxOptions
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw typeof concurrency === 'number'
      ? invalidArgValue('options.concurrency', 'an integer >= 1', concurrency)
      : invalidArgType('options.concurrency', 'an integer >= 1', concurrency)
  }
  if (lock !== undefined) resolveLockOptions(lock, 'options.lock', api)
  return {
    journalDir: journalDir === undefined ? undefined : toAbsolutePath(journalDir, 'options.journalDir'),
    concurrency: concurrency ?? defaultConcurrency(),
    lock,
    write,
  }
}

/**
 * What a transaction runs once its journal lock is held: find the journal's scope, recover the
 * journal, commit (the crash-state explorer runs exactly these steps).
 */
export function* recoverAndCommit(
  journalDir: string,
  root: string | undefined,
  recovered: RecoveryReport,
  plan: Omit<TxPlan, 'scope'>,
): Steps<TxFileOutcome[]> {
  const scope = yield* scopeOf(journalDir, root)
  if (scope.foreign) throw foreignError(journalDir, (yield* lstat(scope.journalDir)).uid)
  if (scope.exists) yield* recoverJournal(scope, recovered)
  return yield* commitTransaction({ ...plan, scope })
}

async function lockJournal(
  writer: WriterCore,
  ctx: CallContext,
  journalDir: string,
  options: LockOptions | undefined,
): Promise<HeldLock> {
  const resolved = resolveLockOptions(options ?? true, 'options.lock')
  let lock: HeldLock
  try {
    lock = await acquire(journalDir, resolved)
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw err
    await writer.run(ctx, makeDirs(dirname(journalDir), ctx.options.durability === 'durable'))
    lock = await acquire(journalDir, resolved)
  }
  ctx.ops.locks++
  return lock
}

function fileStats(o: TxFileOutcome, ops: OpCounts, ctx: CallContext): WriteStats {
  if (o.changed) {
    ops.renames += 1
    if (ctx.options.durability === 'durable') ops.dirFsyncs += 2
  }
  return {
    path: o.path,
    changed: o.changed,
    bytesWritten: o.bytesWritten,
    version: o.version!,
    durability: ctx.options.durability,
    ops,
    durationMs: performance.now() - ctx.started,
  }
}

/**
 * Commits `items` as one transaction: in-process queues of every target → journal lock → recovery of
 * the journal → the commit protocol → unlock. Shared by writeTransaction and atomic batches.
 */
export async function commitItems(
  writer: WriterCore,
  ctx: CallContext,
  items: TxItem[],
  tx: ReturnType<typeof splitTxOptions>,
  channel: 'transaction' | 'batch',
): Promise<TxStats> {
  const recovered = emptyReport()
  if (items.length === 0) {
    return {
      files: [],
      removed: [],
      bytesWritten: 0,
      ops: ctx.ops,
      durationMs: performance.now() - ctx.started,
      recovered,
    }
  }
  // Every target inside its root before the journal is even named: nothing is locked, made or read.
  for (const item of items) {
    if (item.options.root !== undefined) await writer.run(ctx, checkAccess(item.abs, item.options, 'write'))
  }
  const journalDir = tx.journalDir ?? join(commonParent(items.map((i) => i.abs)), JOURNAL_DIRNAME)
  const root = ctx.options.root === undefined ? undefined : toAbsolutePath(ctx.options.root, 'options.root')
  // The journal is a library directory: inside the root, checked before anything is locked or made
  // (a symlink in its place is the library directory's to refuse, as ERR_JOURNAL_CORRUPT).
  if (root !== undefined) await writer.run(ctx, checkRootOfDirs(journalDir, root))
  return writer.serializeAll([...items.map((i) => i.abs), journalDir], async () => {
    const lock = await lockJournal(writer, ctx, journalDir, tx.lock)
    let outcomes: TxFileOutcome[]
    const counters = items.map(() => emptyOps())
    try {
      outcomes = await writer.run(
        ctx,
        recoverAndCommit(journalDir, root, recovered, {
          txid: newTxid(),
          customJournal: tx.journalDir !== undefined,
          items,
          durable: ctx.options.durability === 'durable',
          concurrency: tx.concurrency,
          signal: ctx.options.signal,
          guard: lock,
          counters,
        }),
      )
    } finally {
      await lock.release()
    }
    const files = outcomes.flatMap((o, i) => (o.kind === 'write' ? [fileStats(o, counters[i]!, ctx)] : []))
    const stats: TxStats = {
      files,
      removed: outcomes.filter((o) => o.kind === 'remove' && o.changed).map((o) => o.path),
      bytesWritten: files.reduce((n, f) => n + f.bytesWritten, 0),
      ops: ctx.ops,
      durationMs: performance.now() - ctx.started,
      recovered,
    }
    publish(channel, stats)
    return stats
  })
}

/**
 * Runs `fn` with a Transaction, then commits everything it staged atomically across a crash: after
 * recovery every file holds its old or its new content, together. If `fn` throws, nothing is written
 * and its error is rethrown unchanged.
 */
export async function runTransaction<T>(
  writer: WriterCore,
  fn: (tx: Transaction) => Promise<T> | T,
  options: TxOptions | undefined,
): Promise<TxStats & { result: T }> {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'a function', fn)
  const tx = splitTxOptions(options)
  const ctx = writer.begin(tx.write, 'writeTransaction')
  throwIfAborted(ctx.options.signal)
  const transaction = new StagedTransaction({ ...writer.defaults, ...tx.write }, ctx.fs)
  const result = await fn(transaction)
  throwIfAborted(ctx.options.signal)
  const stats = await commitItems(writer, ctx, await transaction.items(), tx, 'transaction')
  return { ...stats, result }
}
