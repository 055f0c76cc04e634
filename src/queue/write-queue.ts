import { refuseDirectoryFormSync } from '../core/file-target.js'
import { toAbsolutePath } from '../core/paths.js'
import { WriterCore } from '../core/writer-core.js'
import { publish } from '../diagnostics.js'
import { DurableWriteError, invalidArgType, invalidArgValue } from '../errors.js'
import type { FsLike } from '../fs/fs-like.js'
import { nodeFs } from '../fs/node-fs.js'
import { API_OPTIONS } from '../option-spec.js'
import { checkOptionsObject, type Durability } from '../options.js'
import type { WriteStats } from '../stats.js'
import { ExitFlush } from './exit-flush.js'
import { Slots } from './slots.js'

/** Options of a WriteQueue. */
export interface WriteQueueOptions {
  /**
   * Wait this long after the latest write to a path before writing it (each new write restarts the
   * wait, up to `maxDelayMs`). 0: write as soon as the previous write of that path has completed.
   * @default 0
   */
  delayMs?: number | undefined
  /**
   * A path with pending data is never delayed longer than this under continuous writes.
   * @default 10 × delayMs (no bound when delayMs is 0: nothing is delayed then)
   */
  maxDelayMs?: number | undefined
  /** @default 'durable' */
  durability?: Durability | undefined
  /**
   * At most this many paths are written at once.
   * @default 4
   */
  concurrency?: number | undefined
  /** The file system to use instead of the real one. */
  fs?: FsLike | undefined
  /** The writer to write with (its defaults, queues and shared directory syncs). @default a new one */
  writer?: WriterCore | undefined
}

/** Per-write options of WriteQueue.write. */
export interface QueueWriteOptions {
  /** `'high'` skips the delay and goes ahead of normal paths waiting for a slot. @default 'normal' */
  priority?: 'high' | 'normal' | undefined
}

/** Counters of a WriteQueue. */
export interface QueueStats {
  /** Calls to write(). */
  requested: number
  /** Physical writes started. */
  performed: number
  /** Requests whose data was superseded by newer data before it was written. */
  coalesced: number
  /** Physical writes that failed. */
  failed: number
}

interface Waiter {
  resolve: (stats: WriteStats) => void
  reject: (err: unknown) => void
}

interface Pending {
  data: string | Uint8Array
  waiters: Waiter[]
  high: boolean
  since: number
}

interface PathState {
  path: string
  pending: Pending | undefined
  /** Data of the write in flight, for the synchronous flush at exit. */
  writing: Pending | undefined
  timer: NodeJS.Timeout | undefined
  dueAt: number
}

/**
 * Coalescing durable writes: while a path is being written, only its newest pending data is kept,
 * and each caller's promise resolves once content at least as new as its own is durable.
 */
export class WriteQueue {
  /** Counters since the queue was created. */
  readonly stats: QueueStats = { requested: 0, performed: 0, coalesced: 0, failed: 0 }
  readonly #writer: WriterCore
  readonly #delayMs: number
  readonly #maxDelayMs: number
  readonly #durability: Durability | undefined
  readonly #fs: FsLike | undefined
  readonly #paths = new Map<string, PathState>()
  readonly #slots: Slots
  readonly #exit = new ExitFlush(
    () => this.flush(),
    () => this.#flushSync(),
  )
  readonly #idle: (() => void)[] = []
  #closed = false

  /**
   * @example
   * const q = new WriteQueue({ delayMs: 50, maxDelayMs: 500 })
   * q.write('state.json', JSON.stringify(state)) // called on every change; few physical writes
   */
  constructor(options?: WriteQueueOptions) {
    const o = checkOptionsObject(
      options,
      'options',
      API_OPTIONS.WriteQueue,
      'WriteQueue',
    ) as WriteQueueOptions
    const num = (name: string, v: unknown, min: number, integer = false) => {
      if (v === undefined) return undefined
      const kind = integer ? 'an integer' : 'a number'
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
        throw typeof v === 'number'
          ? invalidArgValue(`options.${name}`, `${kind} >= ${min}`, v)
          : invalidArgType(`options.${name}`, kind, v)
      }
      return v
    }
    if (o.writer !== undefined && !(o.writer instanceof WriterCore)) {
      throw invalidArgType('options.writer', 'an AtomicWriter', o.writer)
    }
    const writer = o.writer ?? new WriterCore()
    this.#writer = writer
    this.#delayMs = num('delayMs', o.delayMs, 0) ?? 0
    this.#maxDelayMs = num('maxDelayMs', o.maxDelayMs, 0) ?? this.#delayMs * 10
    this.#slots = new Slots(num('concurrency', o.concurrency, 1, true) ?? 4)
    this.#durability = o.durability
    this.#fs = o.fs
    writer.begin({ durability: o.durability, fs: o.fs }, 'WriteQueue')
  }

  /**
   * Queues `data` for `path`. Resolves with the WriteStats of the write that carried this data or
   * newer data for the same path; rejects if that write failed.
   * @example
   * await queue.write('state.json', JSON.stringify(state))
   */
  write(path: string | URL, data: string | Uint8Array, options?: QueueWriteOptions): Promise<WriteStats> {
    if (this.#closed) {
      return Promise.reject(
        new DurableWriteError('ERR_CLOSED', 'This WriteQueue is closed; it accepts no more writes.'),
      )
    }
    let abs: string
    let high: boolean
    try {
      abs = toAbsolutePath(path)
      if (typeof data !== 'string' && !(data instanceof Uint8Array))
        throw invalidArgType('data', 'a string or a Uint8Array', data)
      const { priority } = checkOptionsObject(
        options,
        'options',
        API_OPTIONS['queue.write'],
        'queue.write',
      ) as QueueWriteOptions
      if (priority !== undefined && priority !== 'high' && priority !== 'normal') {
        throw invalidArgValue('options.priority', "'high' or 'normal'", priority, 'type')
      }
      high = priority === 'high'
      refuseDirectoryFormSync(path, abs, this.#fs ?? this.#writer.defaults.fs ?? nodeFs())
    } catch (err) {
      return Promise.reject(err)
    }
    this.stats.requested++
    this.#exit.install()
    let state = this.#paths.get(abs)
    if (!state) {
      state = { path: abs, pending: undefined, writing: undefined, timer: undefined, dueAt: 0 }
      this.#paths.set(abs, state)
    }
    const now = performance.now()
    if (state.pending) {
      this.stats.coalesced += 1
      state.pending.data = data
      state.pending.high ||= high
    } else {
      state.pending = { data, waiters: [], high, since: now }
    }
    const pending = state.pending
    const promise = new Promise<WriteStats>((resolve, reject) => pending.waiters.push({ resolve, reject }))
    this.#schedule(state, now)
    return promise
  }

  #schedule(state: PathState, now: number): void {
    const pending = state.pending
    if (!pending || state.writing) return
    const wait = pending.high
      ? 0
      : Math.min(this.#delayMs, Math.max(0, pending.since + this.#maxDelayMs - now))
    if (wait === 0) {
      if (state.timer) clearTimeout(state.timer)
      state.timer = undefined
      this.#start(state)
      return
    }
    if (state.timer) clearTimeout(state.timer)
    state.dueAt = now + wait
    state.timer = setTimeout(() => {
      state.timer = undefined
      this.#start(state)
    }, wait)
    // A delay must not keep the process alive: at the end of the loop the exit flush writes at once.
    state.timer.unref()
  }

  #start(state: PathState): void {
    const job = state.pending
    if (!job || state.writing) return
    state.pending = undefined
    state.writing = job
    void this.#slots.run(job.high, async () => {
      this.stats.performed++
      try {
        const stats = await this.#writer.writeFile(state.path, job.data, {
          durability: this.#durability,
          fs: this.#fs,
        })
        for (const w of job.waiters) w.resolve(stats)
        publish('queue', { path: state.path, stats, queue: { ...this.stats } })
      } catch (err) {
        this.stats.failed++
        for (const w of job.waiters) w.reject(err)
      } finally {
        state.writing = undefined
        if (state.pending) this.#schedule(state, performance.now())
        else this.#paths.delete(state.path)
        if (this.#paths.size === 0) for (const resolve of this.#idle.splice(0)) resolve()
      }
    })
  }

  /** Resolves once everything requested so far has been written (delays are cut short), or has failed. */
  async flush(): Promise<void> {
    while (this.#paths.size > 0) {
      for (const state of this.#paths.values()) {
        if (state.pending) state.pending.high = true
        this.#schedule(state, performance.now())
      }
      await new Promise<void>((resolve) => this.#idle.push(resolve))
    }
  }

  /** Flushes, then rejects every later write with ERR_CLOSED and removes the exit hooks. */
  async close(): Promise<void> {
    this.#closed = true
    await this.flush()
    this.#exit.remove()
  }

  /** At process exit: writes the newest data of every path synchronously (in-flight writes cannot finish). */
  #flushSync(): void {
    for (const state of this.#paths.values()) {
      if (state.timer) clearTimeout(state.timer)
      const newest = state.pending ?? state.writing
      if (!newest) continue
      try {
        const stats = this.#writer.writeFileSync(state.path, newest.data, {
          durability: this.#durability,
          fs: this.#fs,
        })
        for (const w of newest.waiters) w.resolve(stats)
      } catch {
        // Nothing can be reported during exit; the file keeps a complete previous version.
      }
    }
  }
}
