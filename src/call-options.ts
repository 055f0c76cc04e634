import type { LockOptions } from './core/file-lock.js'
import { invalidArgValue } from './errors.js'
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

/** Options of `withLock`: the lock's, plus the directory the path must stay inside. */
export interface WithLockOptions extends LockOptions {
  /**
   * Directory the path must stay inside (symlinks resolved); else `ERR_OUTSIDE_ROOT` before any lock
   * or directory is made.
   * @default the writer's `root`
   */
  root?: string | URL | undefined
}

/** Checks the options of `readVersioned`: the encoding, and `root` as write options for the call. */
export function readOptions(options: unknown): { encoding: BufferEncoding | undefined; root: WriteOptions } {
  const { encoding, root } = checkOptionsObject(options) as ReadOptions
  if (encoding !== undefined && (typeof encoding !== 'string' || !Buffer.isEncoding(encoding))) {
    throw invalidArgValue('options.encoding', 'a Buffer encoding such as "utf8"', encoding, 'type')
  }
  return { encoding, root: root === undefined ? {} : { root } }
}

/** withLock's options: the lock's (validated by resolveLockOptions, `true` standing for defaults) and `root`. */
export function splitLockOptions(options: unknown): { root: string | URL | undefined; lock: unknown } {
  if (typeof options !== 'object' || options === null) return { root: undefined, lock: options ?? true }
  const { root, ...lock } = options as WithLockOptions
  return { root, lock }
}

/** Read-modify-write always locks and skips unchanged content, unless told otherwise. */
export function lockedOptions(options: unknown): WriteOptions {
  const o = checkOptionsObject(options)
  return { ...o, lock: o.lock || true, skipUnchanged: o.skipUnchanged ?? true }
}
