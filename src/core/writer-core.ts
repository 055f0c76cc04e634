import { publish } from '../diagnostics.js'
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
import { GroupCommit } from './group-commit.js'
import { PathQueue } from './path-queue.js'
import { toAbsolutePath } from './paths.js'
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
    resolveWriteOptions(defaults)
    this.defaults = Object.freeze({ ...defaults })
  }

  /** Starts a call: validates options against the writer's defaults and sets up its counters. */
  begin(options: unknown): CallContext {
    const resolved = resolveWriteOptions(options, this.defaults)
    return { options: resolved, fs: resolved.fs ?? nodeFs(), ops: emptyOps(), started: performance.now() }
  }

  /** Directory fsyncs issued (not joined) by this writer's async calls on `fs`, for aggregate figures. */
  dirSyncsIssued(fs: FsLike = this.defaults.fs ?? nodeFs()): number {
    return this.#groups.get(fs)?.issued ?? 0
  }

  /** Runs a protocol with the async runner, sharing directory syncs between concurrent calls. */
  run<T>(ctx: CallContext, steps: Steps<T>): Promise<T> {
    let group = this.#groups.get(ctx.fs)
    if (!group) {
      group = new GroupCommit(ctx.fs)
      this.#groups.set(ctx.fs, group)
    }
    return runAsync(steps, ctx.fs, ctx.ops, group)
  }

  /** Runs a protocol with the sync runner. */
  runSync<T>(ctx: CallContext, steps: Steps<T>): T {
    return runSync(steps, ctx.fs, ctx.ops)
  }

  /** Runs `task` after every earlier queued task for the same path has settled (FIFO, in process). */
  serialize<T>(path: string, task: () => Promise<T>): Promise<T> {
    return this.#queue.run(path, task)
  }

  /** Builds the WriteStats of a finished call. */
  stats(ctx: CallContext, outcome: WriteOutcome): WriteStats {
    return {
      path: outcome.path,
      changed: outcome.changed,
      bytesWritten: outcome.bytesWritten,
      version: outcome.version,
      durability: ctx.options.durability,
      ops: ctx.ops,
      durationMs: performance.now() - ctx.started,
    }
  }

  /**
   * Atomically and durably replaces the file at `path` with `data`.
   * @returns what was done, with the exact system-call counts
   * @example
   * const stats = await writer.writeFile('config.json', JSON.stringify(config))
   */
  writeFile(path: string | URL, data: Data, options?: WriteOptions): Promise<WriteStats> {
    let abs: string
    let ctx: CallContext
    let source: ReturnType<typeof toSource>
    try {
      abs = toAbsolutePath(path)
      ctx = this.begin(options)
      source = toSource(data, ctx.options.encoding)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.serialize(abs, async () => {
      const outcome = await this.run(ctx, writeProtocol(abs, source, ctx.options))
      const stats = this.stats(ctx, outcome)
      publish('write', stats)
      return stats
    })
  }

  /** Synchronous {@link writeFile}: same protocol, same guarantees, blocking system calls. */
  writeFileSync(path: string | URL, data: SyncData, options?: WriteOptions): WriteStats {
    const abs = toAbsolutePath(path)
    const ctx = this.begin(options)
    const source = toSource(data, ctx.options.encoding, true)
    const stats = this.stats(ctx, this.runSync(ctx, writeProtocol(abs, source, ctx.options)))
    publish('write', stats)
    return stats
  }
}
