import gfs from 'graceful-fs'
import type { FsAsync, FsLike, FsMethod, FsSync } from './fs-like.js'

type Callback = (err: NodeJS.ErrnoException | null, value?: unknown) => void
type CallbackFn = (...args: unknown[]) => void

const methods: FsMethod[] = [
  'open',
  'close',
  'write',
  'read',
  'fsync',
  'fdatasync',
  'fchmod',
  'fchown',
  'fstat',
  'rename',
  'unlink',
  'mkdir',
  'rmdir',
  'lstat',
  'stat',
  'readlink',
  'realpath',
  'readFile',
  'readdir',
  'copyFile',
]

function promisified(name: FsMethod): (...args: unknown[]) => Promise<unknown> {
  const fn = gfs[name] as unknown as CallbackFn
  return (...args) =>
    new Promise((resolve, reject) => {
      const cb: Callback = (err, value) => (err ? reject(err) : resolve(value))
      fn(...args, cb)
    })
}

function build(): FsLike {
  const impl: Record<string, unknown> = {}
  for (const name of methods) {
    impl[name] = promisified(name)
    impl[`${name}Sync`] = gfs[`${name}Sync`]
  }
  // mkdir and copyFile take optional arguments that Node rejects when passed as `undefined`.
  impl.mkdir = (path: string, mode?: number) =>
    new Promise<void>((resolve, reject) =>
      gfs.mkdir(path, mode ?? 0o777, (err) => (err ? reject(err) : resolve())),
    )
  impl.mkdirSync = (path: string, mode?: number) => {
    gfs.mkdirSync(path, mode ?? 0o777)
  }
  impl.copyFile = (from: string, to: string, mode?: number) =>
    new Promise<void>((resolve, reject) =>
      gfs.copyFile(from, to, mode ?? 0, (err) => (err ? reject(err) : resolve())),
    )
  impl.copyFileSync = (from: string, to: string, mode?: number) => gfs.copyFileSync(from, to, mode ?? 0)
  // The native realpath is one system call; the JavaScript one is an lstat per path component.
  impl.realpath = (path: string) =>
    new Promise<string>((resolve, reject) =>
      gfs.realpath.native(path, (err, resolved) => (err ? reject(err) : resolve(resolved))),
    )
  impl.realpathSync = (path: string) => gfs.realpathSync.native(path)
  return impl as unknown as FsAsync & FsSync
}

let shared: FsLike | undefined

/** The default fs seam: graceful-fs (queues on EMFILE/ENFILE, retries renames on Windows). */
export function nodeFs(): FsLike {
  shared ??= build()
  return shared
}
