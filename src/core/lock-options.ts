import { invalidArgType, invalidArgValue } from '../errors.js'
import { defaultsOf, LOCK_SPEC, type OptionSpec, RETRY_SPEC } from '../option-spec.js'
import { checkOptionNames } from '../unknown-options.js'

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

/** The lock defaults, read from their one declaration (`LOCK_SPEC`). */
export const LOCK_DEFAULTS = defaultsOf(LOCK_SPEC)

/** LockOptions with defaults applied. */
export interface ResolvedLockOptions {
  stale: number
  retries: number | RetryOptions
  onCompromised: ((err: Error) => void) | undefined
}

/**
 * Validates LockOptions (`true` means all defaults). `name` is how messages name the object, `api`
 * the call it belongs to; `known` the names it may hold (LockOptions', or more where the lock options
 * share an object with others, as withLock's do).
 */
export function resolveLockOptions(
  value: unknown,
  name = 'options.lock',
  api = 'the lock',
  known: OptionSpec = LOCK_SPEC,
): ResolvedLockOptions {
  if (value === true || value === undefined) return { ...LOCK_DEFAULTS, onCompromised: undefined }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgType(name, 'true or a LockOptions object', value)
  checkOptionNames(value, known, name, api)
  const o = value as LockOptions
  if (o.stale !== undefined && (typeof o.stale !== 'number' || !Number.isFinite(o.stale) || o.stale < 0)) {
    throw typeof o.stale === 'number'
      ? invalidArgValue(`${name}.stale`, 'a number of milliseconds >= 0', o.stale)
      : invalidArgType(`${name}.stale`, 'a number of milliseconds', o.stale)
  }
  const r = o.retries
  if (r !== undefined && (typeof r !== 'object' || r === null) && !(Number.isInteger(r) && r >= 0)) {
    throw typeof r === 'number'
      ? invalidArgValue(`${name}.retries`, 'an integer >= 0 or retry options', r)
      : invalidArgType(`${name}.retries`, 'an integer >= 0 or retry options', r)
  }
  if (typeof r === 'object' && r !== null) checkRetryOptions(r, `${name}.retries`, api)
  if (o.onCompromised !== undefined && typeof o.onCompromised !== 'function') {
    throw invalidArgType(`${name}.onCompromised`, 'a function', o.onCompromised)
  }
  return {
    stale: Math.max(o.stale ?? LOCK_DEFAULTS.stale, 2000),
    retries: r ?? LOCK_DEFAULTS.retries,
    onCompromised: o.onCompromised,
  }
}

/** Checks the names and values of RetryOptions (the `retry` package would take any). */
function checkRetryOptions(r: object, name: string, api: string): void {
  checkOptionNames(r, RETRY_SPEC, name, api)
  const o = r as RetryOptions
  for (const key of ['retries', 'factor', 'minTimeout', 'maxTimeout'] as const) {
    const v = o[key]
    if (v === undefined) continue
    if (typeof v !== 'number') throw invalidArgType(`${name}.${key}`, 'a number >= 0', v)
    if (!(v >= 0) || (key === 'retries' && !Number.isInteger(v)))
      throw invalidArgValue(`${name}.${key}`, key === 'retries' ? 'an integer >= 0' : 'a number >= 0', v)
  }
  if (o.randomize !== undefined && typeof o.randomize !== 'boolean')
    throw invalidArgType(`${name}.randomize`, 'a boolean', o.randomize)
}
