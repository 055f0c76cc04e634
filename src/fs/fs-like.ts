import type { Stats } from 'node:fs'

/**
 * The asynchronous half of the fs seam: every system call durable-write makes.
 * Each method mirrors the `node:fs` function of the same name and resolves with its result.
 */
export interface FsAsync {
  open(path: string, flags: string | number, mode?: number): Promise<number>
  close(fd: number): Promise<void>
  /** Writes `length` bytes of `buffer` from `offset`; resolves with the count actually written. */
  write(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<number>
  /** Reads up to `length` bytes into `buffer` at `offset`; resolves with the count read. */
  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<number>
  fsync(fd: number): Promise<void>
  fdatasync(fd: number): Promise<void>
  fchmod(fd: number, mode: number): Promise<void>
  fchown(fd: number, uid: number, gid: number): Promise<void>
  fstat(fd: number): Promise<Stats>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  mkdir(path: string, mode?: number): Promise<void>
  rmdir(path: string): Promise<void>
  lstat(path: string): Promise<Stats>
  stat(path: string): Promise<Stats>
  readlink(path: string): Promise<string>
  realpath(path: string): Promise<string>
  readFile(path: string): Promise<Buffer>
  readdir(path: string): Promise<string[]>
  copyFile(from: string, to: string, mode?: number): Promise<void>
}

/** The method names of the fs seam. */
export type FsMethod = keyof FsAsync

/** The synchronous half of the fs seam: `openSync`, `writeSync`, ... with the same arguments. */
export type FsSync = {
  [K in FsMethod as `${K}Sync`]: (...args: Parameters<FsAsync[K]>) => Awaited<ReturnType<FsAsync[K]>>
}

/**
 * The one seam between durable-write and the file system: pass your own through the `fs` option
 * (tests, fault injection, virtual file systems). The default is built on graceful-fs.
 */
export interface FsLike extends FsAsync, FsSync {}
