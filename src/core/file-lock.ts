import { AsyncLocalStorage } from 'node:async_hooks'
import { createRequire } from 'node:module'
import gfs from 'graceful-fs'
import type { LockOptions as PlLockOptions } from 'proper-lockfile'
import { invalidArgType, invalidArgValue, LockCompromisedError, LockedError } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { callUser } from '../steps/vocabulary.js'
import { forgetOwner, reapDeadOwner, recordOwner } from './lock-owner.js'
import { lockPathFor } from './side-name.js'

/** Retry policy while a lock is held by someone else (the `retry` package's options). */
export interface RetryOptions {
  retries?: number
  factor?: number
  minTimeout?: number
  maxTimeout?: number
  randomize?: boolean
}

/** Options of the cross-process lock (proper-lockfile). */
export interface LockOptions {
  /**
   * A lock not refreshed for this many milliseconds is stale and may be taken over (at least 2000).
   * The holder refreshes it every `stale / 2` ms while its event loop runs.
   * @default 10000
   */
  stale?: number | undefined
  /**
   * How long to keep trying while another process holds the lock: a count or retry options.
   * @default { retries: 100, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true }
   */
  retries?: number | RetryOptions | undefined
  /**
   * Called when the lock is lost while held. Whatever it does, a write not yet committed under the
   * lock fails with `ERR_LOCK_COMPROMISED` rather than commit without it; the process never crashes.
   */
  onCompromised?: ((err: Error) => void) | undefined
}

/** The one place lock defaults live. */
export const LOCK_DEFAULTS = {
  stale: 10_000,
  retries: { retries: 100, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
} as const

/** A held lock. `check()` is run right before a commit and fails if the lock is no longer ours. */
export interface HeldLock {
  readonly lockPath: string
  check(): Steps<void>
  release(): Promise<void>
  releaseSync(): void
}

type ProperLockfile = typeof import('proper-lockfile')
let properLockfile: ProperLockfile | undefined

/** proper-lockfile installs exit handlers when loaded, so it is loaded on first use, never at import. */
function lib(): ProperLockfile {
  properLockfile ??= createRequire(import.meta.url)('proper-lockfile') as ProperLockfile
  return properLockfile
}

/** LockOptions with defaults applied. */
export interface ResolvedLockOptions {
  stale: number
  retries: number | RetryOptions
  onCompromised: ((err: Error) => void) | undefined
}

/** Validates LockOptions (`true` means all defaults). */
export function resolveLockOptions(value: unknown, name = 'options.lock'): ResolvedLockOptions {
  if (value === true || value === undefined) return { ...LOCK_DEFAULTS, onCompromised: undefined }
  if (typeof value !== 'object' || value === null)
    throw invalidArgType(name, 'true or a LockOptions object', value)
  const o = value as LockOptions
  if (o.stale !== undefined && (typeof o.stale !== 'number' || !Number.isFinite(o.stale) || o.stale < 0)) {
    throw typeof o.stale === 'number'
      ? invalidArgValue(`${name}.stale`, 'a number of milliseconds >= 0', o.stale)
      : invalidArgType(`${name}.stale`, 'a number of milliseconds', o.stale)
  }
  const r = o.retries
  if (r !== undefined && typeof r !== 'object' && !(Number.isInteger(r) && r >= 0)) {
    throw invalidArgValue(`${name}.retries`, 'an integer >= 0 or retry options', r)
  }
  if (o.onCompromised !== undefined && typeof o.onCompromised !== 'function') {
    throw invalidArgType(`${name}.onCompromised`, 'a function', o.onCompromised)
  }
  return {
    stale: Math.max(o.stale ?? LOCK_DEFAULTS.stale, 2000),
    retries: r ?? LOCK_DEFAULTS.retries,
    onCompromised: o.onCompromised,
  }
}

/** Locks this async context already holds, so a write inside `withLock` on the same path re-enters. */
const held = new AsyncLocalStorage<Map<string, HeldLock>>()

/** Runs `fn` with `lock` registered as held by this async context. */
export function runHolding<T>(lock: HeldLock, fn: () => T): T {
  const outer = held.getStore()
  const map = new Map(outer)
  map.set(lock.lockPath, lock)
  return held.run(map, fn)
}

/** The lock this async context already holds on `target`, if any. */
export function heldLock(target: string): HeldLock | undefined {
  return held.getStore()?.get(lockPathFor(target))
}

/** What this process knows about one lock it holds. */
interface Stamp {
  /** The mtime this process last stamped on the lock directory. */
  mtime: number
  /** The mtime a refresh in flight is stamping (the directory may show it before the call returns). */
  pending: number | undefined
  /** The lock's `stale`, to recognise a refresh that comes too late. */
  stale: number
  /** Set once the lock went unrefreshed for longer than `stale`: it was up for grabs meanwhile. */
  lapsed: boolean
}

/**
 * proper-lockfile's fs, watching the mtimes it stamps on the lock directory so that `check()` can
 * prove the lock is still ours: our mtime, and never left unrefreshed for longer than `stale`.
 */
class Stamps {
  readonly locks = new Map<string, Stamp>()
  readonly fs = {
    ...gfs,
    utimes: (path: string, atime: Date, mtime: Date, cb: (err: Error | null) => void) => {
      const lock = this.refreshing(path, mtime.getTime())
      gfs.utimes(path, atime, mtime, (err) => {
        this.refreshed(lock, !err)
        cb(err)
      })
    },
    utimesSync: (path: string, atime: Date, mtime: Date) => {
      const lock = this.refreshing(path, mtime.getTime())
      try {
        gfs.utimesSync(path, atime, mtime)
        this.refreshed(lock, true)
      } catch (err) {
        this.refreshed(lock, false)
        throw err
      }
    },
  }
  track(path: string, mtime: number, stale: number): void {
    this.locks.set(path, { mtime, pending: undefined, stale, lapsed: false })
  }
  private refreshing(path: string, mtime: number): Stamp | undefined {
    const lock = this.locks.get(path)
    if (!lock) return undefined
    // proper-lockfile still refreshes a lock after a stall past `stale`; that late refresh must not
    // hide that another process could have taken the lock (and released it) meanwhile.
    if (Date.now() - lock.mtime > lock.stale) lock.lapsed = true
    lock.pending = mtime
    return lock
  }
  private refreshed(lock: Stamp | undefined, ok: boolean): void {
    if (!lock || lock.pending === undefined) return
    if (ok) lock.mtime = lock.pending
    lock.pending = undefined
  }
}
const stamps = new Stamps()

function lockedError(target: string, lockPath: string, cause: unknown): LockedError {
  let holderAgeMs: number | undefined
  try {
    holderAgeMs = Math.max(0, Date.now() - gfs.statSync(lockPath).mtimeMs)
  } catch {
    // Released meanwhile.
  }
  const age = holderAgeMs === undefined ? '' : ` (last refreshed ${Math.round(holderAgeMs)} ms ago)`
  return new LockedError(
    `${target} is locked by another process${age}; nothing was written. Retry later, or raise \`retries\`.`,
    { path: target, cause, holderAgeMs },
  )
}

function makeHeld(
  target: string,
  lockPath: string,
  stale: number,
  state: { compromised?: Error },
  releaseFn: () => Promise<void> | void,
): HeldLock {
  const compromised = (cause: unknown) =>
    new LockCompromisedError(
      `The lock on ${target} was lost before the write was committed (stalled past ${stale} ms, or removed by another process); the write was not committed.`,
      { path: target, cause },
    )
  let released = false
  const forget = () => {
    released = true
    stamps.locks.delete(lockPath)
  }
  return {
    lockPath,
    *check() {
      if (state.compromised) throw compromised(state.compromised)
      const ours = stamps.locks.get(lockPath)
      // The lock lives on the real disk (proper-lockfile's own fs), whatever fs the write uses.
      const st = yield* callUser(() => lstatIfExists(lockPath))
      // mtimeMs can be off by a fraction of a millisecond from the Date it was set from: round it.
      const mtime = st && Math.round(st.mtimeMs)
      if (!ours || mtime === undefined || (mtime !== ours.mtime && mtime !== ours.pending)) {
        // Removed, or now another process's lock: releasing must leave it alone.
        state.compromised ??= new Error(`${lockPath} was removed or replaced by another process.`)
        throw compromised(undefined)
      }
      if (Date.now() - ours.mtime > stale) ours.lapsed = true
      if (ours.lapsed) throw compromised(undefined)
    },
    async release() {
      if (released) return
      forget()
      if (state.compromised) return
      forgetOwner(target)
      await releaseFn()
    },
    releaseSync() {
      if (released) return
      forget()
      if (state.compromised) return
      forgetOwner(target)
      void releaseFn()
    },
  }
}

function plOptions(o: ResolvedLockOptions, state: { compromised?: Error }, lockPath: string): PlLockOptions {
  return {
    stale: o.stale,
    realpath: false,
    lockfilePath: lockPath,
    fs: stamps.fs,
    onCompromised: (err) => {
      state.compromised = err
      try {
        o.onCompromised?.(err)
      } catch {
        // A throwing handler must not crash the process from a timer.
      }
    },
  }
}

/** Acquires the cross-process lock {@link lockPathFor}`(target)` (the target need not exist; its directory must). */
export async function acquire(target: string, options: ResolvedLockOptions): Promise<HeldLock> {
  const lockPath = lockPathFor(target)
  const state: { compromised?: Error } = {}
  let release: () => Promise<void>
  try {
    // proper-lockfile retries every error, so a first attempt without retries lets a missing
    // directory (ENOENT) surface at once; only a held lock is waited for.
    try {
      release = await lib().lock(target, { ...plOptions(options, state, lockPath), retries: 0 })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err
      reapDeadOwner(target)
      release = await lib().lock(target, { ...plOptions(options, state, lockPath), retries: options.retries })
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw lockedError(target, lockPath, err)
    throw err
  }
  const st = await new Promise<gfs.Stats>((resolve, reject) =>
    gfs.stat(lockPath, (err, stats) => (err ? reject(err) : resolve(stats))),
  )
  stamps.track(lockPath, Math.round(st.mtimeMs), options.stale)
  recordOwner(target)
  return makeHeld(target, lockPath, options.stale, state, release)
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Synchronous {@link acquire}: retries by sleeping the thread between attempts. */
export function acquireSync(target: string, options: ResolvedLockOptions): HeldLock {
  const lockPath = lockPathFor(target)
  const state: { compromised?: Error } = {}
  const r: RetryOptions = typeof options.retries === 'number' ? { retries: options.retries } : options.retries
  let delay = r.minTimeout ?? 5
  for (let attempt = 0; ; attempt++) {
    try {
      const release = lib().lockSync(target, plOptions(options, state, lockPath))
      stamps.track(lockPath, Math.round(gfs.statSync(lockPath).mtimeMs), options.stale)
      recordOwner(target)
      return makeHeld(target, lockPath, options.stale, state, release)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err
      if (reapDeadOwner(target)) continue
      if (attempt >= (r.retries ?? 0)) throw lockedError(target, lockPath, err)
      sleepSync(delay * (r.randomize ? 1 + Math.random() : 1))
      delay = Math.min(delay * (r.factor ?? 2), r.maxTimeout ?? Number.POSITIVE_INFINITY)
    }
  }
}

function lstatIfExists(path: string): gfs.Stats | undefined {
  try {
    return gfs.lstatSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
