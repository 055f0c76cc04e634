import { constants } from 'node:os'
import { getSystemErrorMap } from 'node:util'
import type { FsLike, FsMethod } from '../../src/fs/fs-like.js'
import { nodeFs } from '../../src/fs/node-fs.js'
import type { FsCall, TraceEntry } from './trace.js'

/** Every method of the fs seam; the Record makes the compiler reject a missing one. */
const METHODS: Record<FsMethod, true> = {
  open: true,
  close: true,
  write: true,
  read: true,
  fsync: true,
  fdatasync: true,
  fchmod: true,
  fchown: true,
  fstat: true,
  rename: true,
  unlink: true,
  mkdir: true,
  rmdir: true,
  lstat: true,
  stat: true,
  readlink: true,
  realpath: true,
  readFile: true,
  readdir: true,
  copyFile: true,
}

/** The method names of the fs seam (each also exists as `<name>Sync`). */
export const FS_METHODS = Object.keys(METHODS) as FsMethod[]

const FD_METHODS = new Set<FsMethod>([
  'close',
  'write',
  'read',
  'fsync',
  'fdatasync',
  'fchmod',
  'fchown',
  'fstat',
])
const TWO_PATHS = new Set<FsMethod>(['rename', 'copyFile'])

type AnyFn = (...args: unknown[]) => unknown

/**
 * Decides what happens to one call. `proceed()` makes the real call (on the wrapped fs) and returns
 * its result: a value for a sync call, a promise for an async one. Whatever `around` returns or
 * throws is the call's outcome; for an async call a synchronous throw becomes a rejection.
 */
export type Around = (call: FsCall, proceed: () => unknown) => unknown

function describeCall(method: FsMethod, sync: boolean, args: unknown[], fds: Map<number, string>): FsCall {
  if (FD_METHODS.has(method)) {
    const fd = args[0] as number
    const path = fds.get(fd)
    return path === undefined ? { method, sync, args, fd } : { method, sync, args, fd, path }
  }
  const path = args[0] as string
  return TWO_PATHS.has(method)
    ? { method, sync, args, path, to: args[1] as string }
    : { method, sync, args, path }
}

/**
 * Wraps every method of `base`, sync and async, with `around`. Tracks which path each descriptor
 * was opened from, so calls on descriptors carry a `path`. The building block of the wrappers below.
 */
export function interceptFs(base: FsLike, around: Around): FsLike {
  const fds = new Map<number, string>()
  const impl: Record<string, unknown> = {}
  for (const method of FS_METHODS) {
    const syncName = `${method}Sync` as const
    const real = (sync: boolean, args: unknown[]) => (): unknown => {
      // A descriptor number may be reused as soon as close is issued: forget it now.
      if (method === 'close') fds.delete(args[0] as number)
      const result = (base[sync ? syncName : method] as AnyFn).apply(base, args)
      if (method !== 'open') return result
      const remember = (fd: number) => {
        fds.set(fd, args[0] as string)
        return fd
      }
      return sync ? remember(result as number) : (result as Promise<number>).then(remember)
    }
    impl[syncName] = (...args: unknown[]) => around(describeCall(method, true, args, fds), real(true, args))
    impl[method] = (...args: unknown[]): Promise<unknown> => {
      try {
        return Promise.resolve(around(describeCall(method, false, args, fds), real(false, args)))
      } catch (err) {
        return Promise.reject(err)
      }
    }
  }
  return impl as unknown as FsLike
}

/**
 * An error shaped like the ones node:fs reports: `code`, negative `errno`, `syscall` (the method
 * name), `path` and `dest` for path methods, and a message like `EIO: i/o error, fsync`.
 */
export function systemErrorFor(
  code: string,
  call: Pick<FsCall, 'method' | 'path' | 'to' | 'fd'>,
): NodeJS.ErrnoException & { dest?: string } {
  let found: [number, string] | undefined
  for (const [errno, [name, text]] of getSystemErrorMap()) {
    if (name !== code) continue
    found = [errno, text]
    break
  }
  // libuv names no quota error: Node reports EDQUOT with the kernel's errno and its own wording.
  const kernel = (constants.errno as Record<string, number>)[code]
  if (!found && kernel !== undefined) found = [-kernel, code === 'EDQUOT' ? 'disk quota exceeded' : code]
  if (!found) throw new RangeError(`Unknown system error code ${code}; use one such as EIO or ENOSPC.`)
  const [errno, text] = found
  const withPath = call.fd === undefined && call.path !== undefined
  let where = ''
  if (withPath) where = call.to === undefined ? ` '${call.path}'` : ` '${call.path}' -> '${call.to}'`
  const err = new Error(`${code}: ${text}, ${call.method}${where}`) as NodeJS.ErrnoException & {
    dest?: string
  }
  err.errno = errno
  err.code = code
  err.syscall = call.method
  if (withPath) err.path = call.path!
  if (withPath && call.to !== undefined) err.dest = call.to
  return err
}

/** Where and how {@link faultyFs} fails. */
export interface FaultOptions {
  /** 1-based index of the counted call that fails. */
  failAt: number
  /** System error code to fail with, e.g. `'EIO'`. */
  code: string
  /** Fail every counted call after `failAt` too (a device that stays broken). */
  sticky?: boolean
  /** Count (and fail) only the calls this accepts; the others pass through. Default: every call. */
  only?: (call: FsCall) => boolean
}

/** One fault {@link faultyFs} injected. */
export interface InjectedFault {
  readonly call: FsCall
  readonly error: NodeJS.ErrnoException
}

/** An fs seam that fails chosen calls; see {@link faultyFs}. */
export interface FaultyFs extends FsLike {
  /** How many counted calls were made so far; once a call succeeds with `calls < failAt`, N was not reached. */
  readonly calls: number
  /** The faults injected, in order; the first one's `error` is what the caller must see. */
  readonly injected: readonly InjectedFault[]
}

/**
 * Fails the counted call number `failAt` (sync and async calls count alike, in issue order) with a
 * Node-shaped system error, without making the real call; with `sticky`, every later counted call
 * fails too. A failed `close` still closes the descriptor for real (Linux frees it even when close
 * reports an error), so the fault does not leak descriptors of its own.
 */
export function faultyFs(base: FsLike, options: FaultOptions): FaultyFs {
  if (!Number.isInteger(options.failAt) || options.failAt < 1) {
    throw new RangeError(`Expected \`failAt\` to be an integer >= 1, got \`${options.failAt}\`.`)
  }
  let calls = 0
  const injected: InjectedFault[] = []
  const fs = interceptFs(base, (call, proceed) => {
    if (options.only && !options.only(call)) return proceed()
    calls++
    const fails = calls === options.failAt || (options.sticky === true && calls > options.failAt)
    if (!fails) return proceed()
    const error = systemErrorFor(options.code, call)
    injected.push({ call, error })
    if (call.method !== 'close') throw error
    if (call.sync) {
      try {
        proceed()
      } catch {
        // The injected error is the one reported.
      }
      throw error
    }
    const fail = () => {
      throw error
    }
    return (proceed() as Promise<unknown>).then(fail, fail)
  })
  Object.defineProperty(fs, 'calls', { get: () => calls, enumerable: true })
  Object.defineProperty(fs, 'injected', { value: injected, enumerable: true })
  return fs as FaultyFs
}

/** An fs seam that records every call; see {@link recordingFs}. */
export interface RecordingFs extends FsLike {
  /** The calls so far, in issue order (see {@link TraceEntry}). */
  readonly trace: TraceEntry[]
}

/**
 * Records every call made through it, sync and async, with its result or error and the ticks at
 * which it was issued and settled. Writes keep a copy of the bytes they wrote. Wrap it in
 * {@link droppingFs} or {@link faultyFs} to record only the calls that really reached the disk.
 */
export function recordingFs(base: FsLike): RecordingFs {
  const trace: TraceEntry[] = []
  let tick = 0
  const fs = interceptFs(base, (call, proceed) => {
    const entry: TraceEntry = { ...call, index: trace.length, start: tick++ }
    trace.push(entry)
    let written: Uint8Array | undefined
    if (call.method === 'write') {
      const [, buffer, offset, length] = call.args as [number, Uint8Array, number, number]
      written = Uint8Array.prototype.slice.call(buffer, offset, offset + length)
    }
    const settle = (result: unknown) => {
      entry.end = tick++
      entry.result = result
      if (written) entry.data = written.subarray(0, result as number)
      return result
    }
    const fail = (err: unknown): never => {
      entry.end = tick++
      entry.error = err as NodeJS.ErrnoException
      throw err
    }
    let result: unknown
    try {
      result = proceed()
    } catch (err) {
      return fail(err)
    }
    return call.sync ? settle(result) : (result as Promise<unknown>).then(settle, fail)
  })
  Object.defineProperty(fs, 'trace', { value: trace, enumerable: true })
  return fs as RecordingFs
}

/** An fs seam that skips chosen calls; see {@link droppingFs}. */
export interface DroppingFs extends FsLike {
  /** The calls that were skipped. */
  readonly dropped: readonly FsCall[]
}

/**
 * Skips every call `drop` accepts: it returns undefined (or resolves with undefined) without reaching
 * the wrapped fs. Simulates a protocol with a step removed, e.g. the fdatasync of the temp file or the
 * fsync of a directory descriptor; meant for calls whose result the protocol does not use.
 */
export function droppingFs(base: FsLike, drop: (call: FsCall) => boolean): DroppingFs {
  const dropped: FsCall[] = []
  const fs = interceptFs(base, (call, proceed) => {
    if (!drop(call)) return proceed()
    dropped.push(call)
    return undefined
  })
  Object.defineProperty(fs, 'dropped', { value: dropped, enumerable: true })
  return fs as DroppingFs
}

/**
 * The real file system, where the `n`-th rename and every later one fail with EIO: a transaction
 * then passes its commit point and cannot complete (its own retry fails too).
 */
export function renamesFailFrom(n: number): FaultyFs {
  return faultyFs(nodeFs(), { failAt: n, code: 'EIO', sticky: true, only: (c) => c.method === 'rename' })
}
