import type { Stats } from 'node:fs'
import { constants } from 'node:fs'
import type { FsAsync, FsMethod } from '../fs/fs-like.js'
import type { OpCounts } from '../stats.js'
import type { Settled, Steps } from './op.js'

/** One fs system call as a step. */
export function* call<M extends FsMethod>(
  method: M,
  ...args: Parameters<FsAsync[M]>
): Steps<Awaited<ReturnType<FsAsync[M]>>> {
  return (yield { kind: 'fs', method, args }) as Awaited<ReturnType<FsAsync[M]>>
}

export const open = (path: string, flags: string, mode?: number): Steps<number> =>
  mode === undefined ? call('open', path, flags) : call('open', path, flags, mode)
export const close = (fd: number): Steps<void> => call('close', fd)
export const fdatasync = (fd: number): Steps<void> => call('fdatasync', fd)
export const fsync = (fd: number): Steps<void> => call('fsync', fd)
export const fchmod = (fd: number, mode: number): Steps<void> => call('fchmod', fd, mode)
export const fchown = (fd: number, uid: number, gid: number): Steps<void> => call('fchown', fd, uid, gid)
export const rename = (from: string, to: string): Steps<void> => call('rename', from, to)
export const unlink = (path: string): Steps<void> => call('unlink', path)
export const mkdir = (path: string, mode?: number): Steps<void> =>
  mode === undefined ? call('mkdir', path) : call('mkdir', path, mode)
export const rmdir = (path: string): Steps<void> => call('rmdir', path)
export const lstat = (path: string): Steps<Stats> => call('lstat', path)
export const readlink = (path: string): Steps<string> => call('readlink', path)
export const realpath = (path: string): Steps<string> => call('realpath', path)
export const readFile = (path: string): Steps<Buffer> => call('readFile', path)
export const read = (
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number | null,
): Steps<number> => call('read', fd, buffer, offset, length, position)
export const readdir = (path: string): Steps<string[]> => call('readdir', path)
export const copyFile = (from: string, to: string, mode?: number): Steps<void> =>
  mode === undefined ? call('copyFile', from, to) : call('copyFile', from, to, mode)

/** Makes the data of an existing file durable: open it, fsync, close. */
export function* fsyncFile(path: string): Steps<void> {
  const fd = yield* open(path, 'r')
  yield* onFailure(fsync(fd), () => close(fd))
  yield* close(fd)
}

/**
 * A copy-on-write clone of `from` where the file system supports it, a plain copy otherwise — never a
 * hard link, which an in-place writer of `from` would change too. Fails if `to` exists.
 */
export function cloneFile(from: string, to: string): Steps<void> {
  return copyFile(from, to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE)
}

/** Make the entries of `dir` durable. */
export function* syncDir(dir: string): Steps<void> {
  yield { kind: 'syncDir', dir }
}

/** The next item of an iterator (sync or async). */
export function* pull<T>(source: Iterator<T> | AsyncIterator<T>): Steps<IteratorResult<T>> {
  return (yield { kind: 'pull', source }) as IteratorResult<T>
}

/** Calls user code that may return a promise; the async runner awaits it. */
export function* callUser<T>(fn: () => T | Promise<T>): Steps<T> {
  return (yield { kind: 'call', fn }) as T
}

/** Runs step sequences concurrently (bounded) in the async runner, in order in the sync runner. */
export function* all<T>(
  steps: readonly Steps<T>[],
  limit: number,
  counters?: readonly OpCounts[],
): Steps<Settled<T>[]> {
  if (steps.length === 0) return []
  return (yield { kind: 'all', steps, limit, counters }) as Settled<T>[]
}

/** Like {@link all}, but throws the first failure once every started sequence has settled. */
export function* allOrThrow<T>(
  steps: readonly Steps<T>[],
  limit: number,
  counters?: readonly OpCounts[],
): Steps<T[]> {
  const settled = yield* all(steps, limit, counters)
  const failed = settled.find((s) => !s.ok && 'error' in s)
  if (failed && 'error' in failed) throw failed.error
  return settled.map((s) => (s as { value: T }).value)
}

/** Writes every byte of `data`, looping on short writes. */
export function* writeAll(fd: number, data: Uint8Array): Steps<void> {
  let offset = 0
  while (offset < data.byteLength) {
    offset += yield* call('write', fd, data, offset, data.byteLength - offset, null)
  }
}

/** Runs `steps`; on failure runs `cleanup` (whose own errors are swallowed) and rethrows the original error. */
export function* onFailure<T>(steps: Steps<T>, cleanup: () => Steps<unknown>): Steps<T> {
  try {
    return yield* steps
  } catch (err) {
    try {
      yield* cleanup()
    } catch {
      // The original error is the one the caller needs to see.
    }
    throw err
  }
}

/** Runs `steps`, returning `fallback` when it fails with one of `codes`. */
export function* ignoring<T, F>(steps: Steps<T>, codes: string[], fallback: F): Steps<T | F> {
  try {
    return yield* steps
  } catch (err) {
    if (codes.includes((err as NodeJS.ErrnoException).code ?? '')) return fallback
    throw err
  }
}
