import type { FsAsync, FsMethod } from '../fs/fs-like.js'
import type { OpCounts } from '../stats.js'

/** One system call on the fs seam. */
export interface FsOp<M extends FsMethod = FsMethod> {
  readonly kind: 'fs'
  readonly method: M
  readonly args: Parameters<FsAsync[M]>
}

/** Make the entries of directory `dir` durable (open, fsync, close; shared by concurrent writers). */
export interface SyncDirOp {
  readonly kind: 'syncDir'
  readonly dir: string
}

/** Take the next chunk from a data source (awaited by the async runner). */
export interface PullOp {
  readonly kind: 'pull'
  readonly source: Iterator<unknown> | AsyncIterator<unknown>
}

/** Call user code that may return a promise (validate, transforms). */
export interface CallOp {
  readonly kind: 'call'
  readonly fn: () => unknown
}

/**
 * Run several step sequences: concurrently (at most `limit` at once) in the async runner, one after
 * another in the sync runner. After the first failure no further sequence is started; the result
 * says, per sequence, what it returned, how it failed, or that it was skipped.
 */
export interface AllOp {
  readonly kind: 'all'
  readonly steps: readonly Steps<unknown>[]
  readonly limit: number
  /** When given, sequence i counts its operations into counters[i] (and into the call's total too). */
  readonly counters?: readonly OpCounts[] | undefined
}

/** Outcome of one sequence of an {@link AllOp}. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown } | { ok: false; skipped: true }

/** Everything a protocol can ask a runner to do. */
export type Op = FsOp | SyncDirOp | PullOp | CallOp | AllOp

/** A protocol, or a piece of one: a generator of operations that returns `T`. */
export type Steps<T> = Generator<Op, T, unknown>

/** Which counter of `WriteStats.ops` an fs method adds to. */
export const COUNTED: Partial<Record<FsMethod, keyof OpCounts>> = {
  read: 'reads',
  readFile: 'reads',
  write: 'writes',
  fsync: 'fsyncs',
  fdatasync: 'fsyncs',
  rename: 'renames',
  unlink: 'unlinks',
  mkdir: 'mkdirs',
}
