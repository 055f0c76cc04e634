import type { LockOptions } from './core/file-lock.js'
import { invalidArgType, invalidArgValue } from './errors.js'
import { LOCK_SPEC, type OptionSpec, READ_SPEC, UPDATE_SPEC, WITH_LOCK_SPEC } from './option-spec.js'
import { checkOptionsObject, type WriteOptions } from './options.js'

/** Options of `readVersioned`. */
export interface ReadOptions {
  /** Decode the content as text; omit to get a Buffer. */
  encoding?: BufferEncoding | undefined
  /**
   * Directory the path must stay inside, after resolving `..` and every symlink the read follows;
   * else `ERR_OUTSIDE_ROOT` and nothing is read.
   * @default the writer's `root`
   */
  root?: string | URL | undefined
}

/** Options of `withLock`: the lock's, plus the directory the path must stay inside and a signal. */
export interface WithLockOptions extends LockOptions {
  /**
   * Directory the path must stay inside (symlinks resolved); else `ERR_OUTSIDE_ROOT` before any lock
   * or directory is made.
   * @default the writer's `root`
   */
  root?: string | URL | undefined
  /**
   * Aborted before `fn` runs (already, or while the lock is awaited), the call fails with
   * `ABORT_ERR` and `fn` is not called; an already-aborted signal takes no lock at all.
   */
  signal?: AbortSignal | undefined
}

/** Options of `update` and `updateJson`: the write options, and those of the lock they always take. */
export type UpdateOptions = WriteOptions & LockOptions

/** Checks the options of `readVersioned`: the encoding, and `root` as write options for the call. */
export function readOptions(options: unknown): { encoding: BufferEncoding | undefined; root: WriteOptions } {
  const { encoding, root } = checkOptionsObject(options, 'options', READ_SPEC, 'readVersioned') as ReadOptions
  if (encoding !== undefined && (typeof encoding !== 'string' || !Buffer.isEncoding(encoding))) {
    throw invalidArgValue('options.encoding', 'a Buffer encoding such as "utf8"', encoding, 'type')
  }
  return { encoding, root: root === undefined ? {} : { root } }
}

/**
 * withLock's options: the lock's (validated by resolveLockOptions, `true` standing for defaults),
 * `root` and `signal`. Every name is checked against withLock's declaration first.
 */
export function splitLockOptions(options: unknown): {
  root: string | URL | undefined
  signal: AbortSignal | undefined
  lock: unknown
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return { root: undefined, signal: undefined, lock: options ?? true }
  checkOptionsObject(options, 'options', WITH_LOCK_SPEC, 'withLock')
  const { root, signal, ...lock } = options as WithLockOptions
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw invalidArgType('options.signal', 'an AbortSignal', signal)
  return { root, signal, lock }
}

const LOCK_NAMES = Object.keys(LOCK_SPEC) as (keyof typeof LOCK_SPEC)[]

/**
 * Read-modify-write always locks and skips unchanged content, unless told otherwise. The lock is
 * configured by `lock: LockOptions` or by the lock options themselves at the top (`{ retries: 0 }`,
 * as the README lists them for update), which win over `lock`'s. `spec` and `api` name what the
 * options are checked against (update's, updateJson's).
 */
export function lockedOptions(
  options: unknown,
  spec: OptionSpec = UPDATE_SPEC,
  api = 'update',
): WriteOptions {
  const o = checkOptionsObject(options, 'options', spec, api) as WriteOptions & LockOptions
  if (o.lock === false) {
    throw invalidArgValue(
      'options.lock',
      `true or LockOptions: ${api} always takes the lock (omit \`lock\`, or pass LockOptions such as { retries: 0 })`,
      false,
      'type',
    )
  }
  const write: Record<string, unknown> = { ...o }
  const top: Record<string, unknown> = {}
  for (const name of LOCK_NAMES) {
    if (!(name in write)) continue
    if (write[name] !== undefined) top[name] = write[name]
    delete write[name]
  }
  const base = typeof o.lock === 'object' && o.lock !== null ? o.lock : {}
  const lock = Object.keys(top).length > 0 ? { ...base, ...top } : o.lock || true
  return { ...(write as WriteOptions), lock, skipUnchanged: o.skipUnchanged ?? true }
}
