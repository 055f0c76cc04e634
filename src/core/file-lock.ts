import { AsyncLocalStorage } from 'node:async_hooks'
import { createRequire } from 'node:module'
import gfs from 'graceful-fs'
import type { LockOptions as PlLockOptions } from 'proper-lockfile'
import { publish } from '../diagnostics.js'
import { LockCompromisedError, LockedError, LockReentrantError } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { callUser } from '../steps/vocabulary.js'
import { lockFs, markExit, releasingWith } from './lock-fs.js'
import type { ResolvedLockOptions, RetryOptions } from './lock-options.js'
import { forgetHeld, newToken, noteHeld, readRecord, reapIfDead, writeRecord } from './lock-owner.js'
import { lockPathFor } from './side-name.js'

export {
  LOCK_DEFAULTS,
  type LockOptions,
  type ResolvedLockOptions,
  type RetryOptions,
  resolveLockOptions,
} from './lock-options.js'

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
  if (!properLockfile) markExit()
  properLockfile ??= createRequire(import.meta.url)('proper-lockfile') as ProperLockfile
  return properLockfile
}

/** A lock this async context holds; `reentrant` when writes inside may re-enter it (`withLock`). */
interface Hold {
  lock: HeldLock
  reentrant: boolean
}

/** Locks this async context already holds, so a write inside `withLock` on the same path re-enters. */
const held = new AsyncLocalStorage<Map<string, Hold>>()

/**
 * Runs `fn` with `lock` registered as held by this async context. Only a `reentrant` hold (withLock)
 * lets writes to the same path inside `fn` re-enter it; inside any other (a write in progress, whose
 * user callbacks such as `update`'s `fn` run while it is pending) they fail with ERR_LOCK_REENTRANT.
 */
export function runHolding<T>(lock: HeldLock, fn: () => T, reentrant = false): T {
  const outer = held.getStore()
  const map = new Map(outer)
  map.set(lock.lockPath, { lock, reentrant })
  return held.run(map, fn)
}

/** The lock this async context already holds on `target`, if any. */
export function heldLock(target: string): HeldLock | undefined {
  return held.getStore()?.get(lockPathFor(target))?.lock
}

/** Throws ERR_LOCK_REENTRANT when this async context is inside a write in progress on `target`. */
export function refuseReentry(target: string): void {
  const hold = held.getStore()?.get(lockPathFor(target))
  if (!hold || hold.reentrant) return
  throw new LockReentrantError(
    `${target} is being written by an enclosing update (or another write under its lock) in this async context; a write to the same path from inside its callback would deadlock. Return the new content from the callback instead.`,
    { path: target },
  )
}

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

/** Marks the lock lost and tells `onCompromised`, once, whoever noticed first (a refresh or a check). */
function lose(state: { compromised?: Error }, o: ResolvedLockOptions, err: Error): void {
  if (state.compromised) return
  state.compromised = err
  try {
    o.onCompromised?.(err)
  } catch {
    // A throwing handler must not crash the process from a timer.
  }
}

function makeHeld(
  target: string,
  lockPath: string,
  token: string,
  options: ResolvedLockOptions,
  state: { compromised?: Error },
  releaseFn: () => Promise<void> | void,
): HeldLock {
  const compromised = (cause: unknown) =>
    new LockCompromisedError(
      `The lock on ${target} was lost before the write was committed (taken over after ${options.stale} ms without refresh, or removed by another process); the write was not committed.`,
      { path: target, cause },
    )
  let released = false
  const failed = (err: unknown) =>
    publish('lock', { event: 'release-failed', path: target, lockPath, error: err })
  noteHeld(lockPath, token)
  return {
    lockPath,
    *check() {
      if (state.compromised) throw compromised(state.compromised)
      // The lock lives on the real disk (proper-lockfile's own fs), whatever fs the write uses.
      const record = yield* callUser(() => readRecord(lockPath))
      if (record?.token !== token) {
        // Removed, or now another acquisition's lock: releasing must leave it alone.
        lose(state, options, new Error(`${lockPath} was removed or taken over by another process.`))
        throw compromised(undefined)
      }
    },
    async release() {
      if (released) return
      released = true
      forgetHeld(lockPath, token)
      // Whatever happens here, the write is done: a lock left behind is reaped by the next caller.
      try {
        await releasingWith(lockPath, token, releaseFn)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ERELEASED') failed(err)
      }
    },
    releaseSync() {
      if (released) return
      released = true
      forgetHeld(lockPath, token)
      releasingWith(lockPath, token, releaseFn).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ERELEASED') failed(err)
      })
    },
  }
}

function plOptions(o: ResolvedLockOptions, state: { compromised?: Error }, lockPath: string): PlLockOptions {
  return {
    stale: o.stale,
    realpath: false,
    lockfilePath: lockPath,
    fs: lockFs,
    retries: 0,
    onCompromised: (err) => lose(state, o, err),
  }
}

/** True for the errors of an attempt that found the lock held (a record appearing counts too). */
function isHeld(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ELOCKED' || code === 'ENOTEMPTY' || code === 'EEXIST'
}

/** The wait before retry `attempt` (0-based), as the `retry` package computes it. */
function delayOf(r: RetryOptions, attempt: number): number {
  const random = r.randomize ? 1 + Math.random() : 1
  const ms = random * (r.minTimeout ?? 1000) * (r.factor ?? 2) ** attempt
  return Math.min(Math.round(ms), r.maxTimeout ?? Number.POSITIVE_INFINITY)
}

function retryOptions(o: ResolvedLockOptions): RetryOptions {
  return typeof o.retries === 'number' ? { retries: o.retries } : o.retries
}

/** Writes this acquisition's record into the directory just created; undefined if it is not ours. */
function finish(
  target: string,
  lockPath: string,
  options: ResolvedLockOptions,
  state: { compromised?: Error },
  release: () => Promise<void> | void,
): HeldLock | undefined {
  const token = newToken()
  try {
    writeRecord(lockPath, token)
  } catch {
    // Another acquisition's lock now: stop refreshing it, leave it in place.
    releasingWith(lockPath, token, release).catch(() => {})
    return undefined
  }
  return makeHeld(target, lockPath, token, options, state, release)
}

/** After an attempt found the lock held: true when it was a dead holder's, now marked for takeover. */
function reaped(err: unknown, lockPath: string, reaps: { n: number }): boolean {
  if (!isHeld(err)) throw err
  return reapIfDead(lockPath) && reaps.n++ < 3
}

/** Acquires the cross-process lock {@link lockPathFor}`(target)` (the target need not exist; its directory must). */
export async function acquire(target: string, options: ResolvedLockOptions): Promise<HeldLock> {
  const lockPath = lockPathFor(target)
  const r = retryOptions(options)
  const reaps = { n: 0 }
  for (let n = 0; ; n++) {
    const state: { compromised?: Error } = {}
    let cause: unknown
    try {
      const release = await lib().lock(target, plOptions(options, state, lockPath))
      const held = finish(target, lockPath, options, state, release)
      if (held) return held
    } catch (err) {
      cause = err
      if (reaped(err, lockPath, reaps)) {
        n--
        continue
      }
    }
    if (n >= (r.retries ?? 0)) throw lockedError(target, lockPath, cause)
    await new Promise((resolve) => setTimeout(resolve, delayOf(r, n)))
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Synchronous {@link acquire}: retries by sleeping the thread between attempts. */
export function acquireSync(target: string, options: ResolvedLockOptions): HeldLock {
  const lockPath = lockPathFor(target)
  const r = retryOptions(options)
  const reaps = { n: 0 }
  for (let n = 0; ; n++) {
    const state: { compromised?: Error } = {}
    let cause: unknown
    try {
      const release = lib().lockSync(target, plOptions(options, state, lockPath))
      const held = finish(target, lockPath, options, state, release)
      if (held) return held
    } catch (err) {
      cause = err
      if (reaped(err, lockPath, reaps)) {
        n--
        continue
      }
    }
    if (n >= (r.retries ?? 0)) throw lockedError(target, lockPath, cause)
    sleepSync(delayOf(r, n))
  }
}
