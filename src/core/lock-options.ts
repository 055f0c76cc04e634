import { invalidArgType, invalidArgValue } from '../errors.js'

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
