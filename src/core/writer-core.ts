import { dirname } from 'node:path'
import { type ChannelName, publish } from '../diagnostics.js'
import { hasCode } from '../errors.js'
import type { FsLike } from '../fs/fs-like.js'
import { nodeFs } from '../fs/node-fs.js'
import {
  type ResolvedWriteOptions,
  resolveWriteOptions,
  type WriteOptions,
  type WriterOptions,
} from '../options.js'
import { emptyOps, type OpCounts, type WriteStats } from '../stats.js'
import type { Steps } from '../steps/op.js'
import { runAsync, runSync } from '../steps/runner.js'
import { type Data, type SyncData, toSource } from './data.js'
import {
  acquire,
  acquireSync,
  type HeldLock,
  heldLock,
  type ResolvedLockOptions,
  refuseReentry,
  runHolding,
} from './file-lock.js'
import { refuseDirectoryForm } from './file-target.js'
import { GroupCommit } from './group-commit.js'
import { makeDirs } from './make-dirs.js'
import { PathQueue } from './path-queue.js'
import { toAbsolutePath } from './paths.js'
import { checkAccess } from './resolve-target.js'
import { type WriteOutcome, writeProtocol } from './write-protocol.js'

/** One call in progress: its resolved options, the fs it uses and its op counters. */
export interface CallContext {
  readonly options: ResolvedWriteOptions
  readonly fs: FsLike
  readonly ops: OpCounts
  readonly started: number
}

/**
 * Holds defaults and shared state (fs seam, per-path FIFO queues, directory group commit) and runs
 * protocols with the async or the sync runner. The public `AtomicWriter` extends it with every API.
 */
export class WriterCore {
  /** Defaults applied to every call of this writer. */
  readonly defaults: Readonly<WriterOptions>
  readonly #queue = new PathQueue()
  readonly #groups = new WeakMap<FsLike, GroupCommit>()

  constructor(defaults: WriterOptions = {}) {
    resolveWriteOptions(defaults, {}, 'AtomicWriter')
    this.defaults = Object.freeze({ ...defaults })
  }

  /**
   * Starts a call: validates options against the writer's defaults and sets up its counters. `api`
   * names the call in the message about an option name it does not know. @internal
   */
  begin(options: unknown, api = 'writeFile'): CallContext {
    const resolved = resolveWriteOptions(options, this.defaults, api)
    return { options: resolved, fs: resolved.fs ?? nodeFs(), ops: emptyOps(), started: performance.now() }
  }

  /** Directory fsyncs issued (not joined) by this writer's async calls on `fs`, for aggregate figures. */
  dirSyncsIssued(fs: FsLike = this.defaults.fs ?? nodeFs()): number {
    return this.#groups.get(fs)?.issued ?? 0
  }

  /** Runs a protocol with the async runner, sharing directory syncs between concurrent calls. @internal */
  run<T>(ctx: CallContext, steps: Steps<T>): Promise<T> {
    let group = this.#groups.get(ctx.fs)
    if (!group) {
      group = new GroupCommit(ctx.fs)
      this.#groups.set(ctx.fs, group)
    }
    return runAsync(steps, ctx.fs, ctx.ops, group)
  }

  /** Runs a protocol with the sync runner. @internal */
  runSync<T>(ctx: CallContext, steps: Steps<T>): T {
    return runSync(steps, ctx.fs, ctx.ops)
  }

  /** Runs `task` after every earlier queued task for the same path has settled (FIFO, in process). @internal */
  serialize<T>(path: string, task: () => Promise<T>): Promise<T> {
    return this.#queue.run(path, task)
  }

  /** Runs `task` holding the in-process queues of every path in `paths` (transactions, batches). @internal */
  serializeAll<T>(paths: readonly string[], task: () => Promise<T>): Promise<T> {
    return this.#queue.runAll(paths, task)
  }

  /**
   * The lock options when this call must take the cross-process lock on `abs`; undefined when it asks
   * for none, or re-enters a lock its async context already holds (which then guards its commit).
   */
  #lockToTake(abs: string, ctx: CallContext): ResolvedLockOptions | undefined {
    const lockOptions = ctx.options.lock
    if (!lockOptions) return undefined
    const outer = heldLock(abs)
    if (!outer) return lockOptions
    ctx.options.guard = outer
    return undefined
  }

  /** Counts a lock this call took, and makes it guard the call's commit. */
  #taken(ctx: CallContext, lock: HeldLock): void {
    ctx.ops.locks++
    ctx.options.guard = lock
  }

  /**
   * Runs `task` holding the cross-process lock on `abs` when the call asks for one (`lock` option),
   * re-entering a lock this async context already holds (inside `withLock`). The lock is checked
   * again right before the commit (`options.guard`).
   * @internal
   */
  async holdingLock<T>(abs: string, ctx: CallContext, task: () => Promise<T>, reentrant = false): Promise<T> {
    refuseReentry(abs)
    const lockOptions = this.#lockToTake(abs, ctx)
    if (!lockOptions) return ctx.options.guard ? runHolding(ctx.options.guard, task, reentrant) : task()
    let lock: HeldLock
    try {
      lock = await acquire(abs, lockOptions)
    } catch (err) {
      if (!hasCode(err, 'ENOENT') || !ctx.options.mkdirs) throw err
      await this.run(ctx, makeDirs(dirname(abs), ctx.options.durability === 'durable'))
      lock = await acquire(abs, lockOptions)
    }
    this.#taken(ctx, lock)
    try {
      return await runHolding(lock, task, reentrant)
    } finally {
      await lock.release()
    }
  }

  /** The synchronous twin of {@link holdingLock}. @internal */
  holdingLockSync<T>(abs: string, ctx: CallContext, task: () => T): T {
    refuseReentry(abs)
    const lockOptions = this.#lockToTake(abs, ctx)
    if (!lockOptions) return ctx.options.guard ? runHolding(ctx.options.guard, task) : task()
    let lock: HeldLock
    try {
      lock = acquireSync(abs, lockOptions)
    } catch (err) {
      if (!hasCode(err, 'ENOENT') || !ctx.options.mkdirs) throw err
      this.runSync(ctx, makeDirs(dirname(abs), ctx.options.durability === 'durable'))
      lock = acquireSync(abs, lockOptions)
    }
    this.#taken(ctx, lock)
    try {
      return runHolding(lock, task)
    } finally {
      lock.releaseSync()
    }
  }

  /** Builds the WriteStats of a finished call; extra fields of the outcome (e.g. an edit's diff) come along. @internal */
  stats<O extends WriteOutcome>(ctx: CallContext, outcome: O): StatsOf<O> {
    return {
      ...outcome,
      durability: ctx.options.durability,
      ops: ctx.ops,
      durationMs: performance.now() - ctx.started,
    }
  }

  /**
   * Runs one single-path write API asynchronously: checks the path and options, queues behind earlier
   * calls for the same path, checks `root` (before any lock, directory or read; `access: 'read'` when
   * the protocol reads the target first, which follows a symlink whatever `symlinks` says), runs the
   * protocol and publishes the stats on `durable-write:<channel>`.
   * @internal
   */
  async writeCall<O extends WriteOutcome>(
    path: unknown,
    options: unknown,
    protocol: (abs: string, ctx: CallContext) => Steps<O>,
    channel: ChannelName = 'write',
    access: 'read' | 'write' = 'write',
  ): Promise<StatsOf<O>> {
    const abs = toAbsolutePath(path)
    refuseReentry(abs)
    const ctx = this.begin(options)
    const steps = protocol(abs, ctx)
    return this.serialize(abs, async () => {
      if (ctx.options.root !== undefined) await this.run(ctx, checkAccess(abs, ctx.options, access))
      await this.run(ctx, refuseDirectoryForm(path, abs))
      const stats = this.stats(ctx, await this.holdingLock(abs, ctx, () => this.run(ctx, steps)))
      publish(channel, stats)
      return stats
    })
  }

  /** The synchronous twin of {@link writeCall}. @internal */
  writeCallSync<O extends WriteOutcome>(
    path: unknown,
    options: unknown,
    protocol: (abs: string, ctx: CallContext) => Steps<O>,
    channel: ChannelName = 'write',
    access: 'read' | 'write' = 'write',
  ): StatsOf<O> {
    const abs = toAbsolutePath(path)
    refuseReentry(abs)
    const ctx = this.begin(options)
    const steps = protocol(abs, ctx)
    if (ctx.options.root !== undefined) this.runSync(ctx, checkAccess(abs, ctx.options, access))
    this.runSync(ctx, refuseDirectoryForm(path, abs))
    const stats = this.stats(
      ctx,
      this.holdingLockSync(abs, ctx, () => this.runSync(ctx, steps)),
    )
    publish(channel, stats)
    return stats
  }

  /**
   * Atomically and durably replaces the file at `path` with `data`.
   * @returns what was done, with the exact system-call counts
   * @example
   * const stats = await writer.writeFile('config.json', JSON.stringify(config))
   */
  writeFile(path: string | URL, data: Data, options?: WriteOptions): Promise<WriteStats> {
    return this.writeCall(path, options, (abs, ctx) =>
      writeProtocol(abs, toSource(data, ctx.options.encoding), ctx.options),
    )
  }

  /** Synchronous {@link writeFile}: same protocol, same guarantees, blocking system calls. */
  writeFileSync(path: string | URL, data: SyncData, options?: WriteOptions): WriteStats {
    return this.writeCallSync(path, options, (abs, ctx) =>
      writeProtocol(abs, toSource(data, ctx.options.encoding, true), ctx.options),
    )
  }
}

/** WriteStats plus whatever extra fields a protocol's outcome carries. */
export type StatsOf<O extends WriteOutcome> = WriteStats & Omit<O, keyof WriteOutcome>
