import { constants, type Stats } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { FsLike } from '../../src/fs/fs-like.js'
import { type Flags, parseFlags, statsOf } from './crash-posix.js'
import { applyEffect, type Effect, emptyState, type MemNode, type MemState, ROOT } from './crash-state.js'
import { FS_METHODS, systemErrorFor } from './fault-fs.js'

type OpenFile = Omit<Flags, 'create' | 'excl' | 'trunc'> & { ino: number; path: string; pos: number }

const EPOCH = 1_700_000_000_000

/**
 * The synchronous core of {@link memFs}: a POSIX-like file system held in a {@link MemState}
 * (inodes, directory entry maps, file descriptors). Every change is expressed as an {@link Effect},
 * applied to the state and reported to `onEffect`, so a recorder sees exactly what each call did.
 * Errors are shaped like node:fs's (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EBADF, EINVAL).
 * Symlinks, ownership and permissions checks are not modelled; mode and mtime are kept but are not
 * part of the persistence model (see crash-explorer.ts).
 */
export class MemFsCore {
  state: MemState
  /** Called with every effect a call applies, after it is applied. */
  onEffect: ((effect: Effect) => void) | undefined
  readonly #fds = new Map<number, OpenFile>()
  #nextFd = 3
  #clock = 0

  constructor(state: MemState = emptyState()) {
    this.state = state
  }

  #fail(code: string, method: string, path?: string, to?: string): never {
    const call = { method: method as never, ...(path === undefined ? {} : { path }), ...(to ? { to } : {}) }
    throw systemErrorFor(code, call)
  }

  #node(ino: number): MemNode {
    return this.state.nodes.get(ino)!
  }

  /** The inode at `path`, or undefined when missing; ENOTDIR when a parent is a file. */
  #find(path: string, method: string): number | undefined {
    let ino = ROOT
    for (const name of resolve(path).split('/').filter(Boolean)) {
      const node = this.#node(ino)
      if (node.type !== 'dir') this.#fail('ENOTDIR', method, path)
      const next = node.entries.get(name)
      if (next === undefined) return undefined
      ino = next
    }
    return ino
  }

  #lookup(path: string, method: string): number {
    return this.#find(path, method) ?? this.#fail('ENOENT', method, path)
  }

  /** The directory that holds `path`'s entry, and the entry name. */
  #parent(path: string, method: string): { dir: number; name: string } {
    const abs = resolve(path)
    if (abs === '/') this.#fail('EBUSY', method, path)
    const dir = this.#lookup(dirname(abs), method)
    if (this.#node(dir).type !== 'dir') this.#fail('ENOTDIR', method, path)
    return { dir, name: basename(abs) }
  }

  #fd(fd: number, method: string): OpenFile {
    return this.#fds.get(fd) ?? this.#fail('EBADF', method)
  }

  #emit(effect: Effect): void {
    applyEffect(this.state, effect)
    if (effect.kind === 'write' || effect.kind === 'truncate')
      this.#node(effect.ino).mtimeMs = EPOCH + ++this.#clock
    this.onEffect?.(effect)
  }

  #create(dir: number, name: string, type: 'file' | 'dir', mode: number): number {
    const ino = this.state.nextIno
    this.#emit({ kind: 'link', dir, name, ino, create: { type, mode: mode & 0o7777 & ~0o022 } })
    return ino
  }

  openSync(path: string, flags: string | number, mode = 0o666): number {
    const f = parseFlags(flags)
    let ino = this.#find(path, 'open')
    if (ino !== undefined && f.create && f.excl) this.#fail('EEXIST', 'open', path)
    if (ino === undefined) {
      if (!f.create) this.#fail('ENOENT', 'open', path)
      const { dir, name } = this.#parent(path, 'open')
      ino = this.#create(dir, name, 'file', mode)
    }
    const node = this.#node(ino)
    if (node.type === 'dir' && f.write) this.#fail('EISDIR', 'open', path)
    if (node.type === 'file' && f.trunc && node.data.byteLength > 0)
      this.#emit({ kind: 'truncate', ino, size: 0 })
    const fd = this.#nextFd++
    this.#fds.set(fd, { ino, path: resolve(path), read: f.read, write: f.write, append: f.append, pos: 0 })
    return fd
  }

  closeSync(fd: number): void {
    this.#fd(fd, 'close')
    this.#fds.delete(fd)
  }

  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
    const file = this.#fd(fd, 'write')
    const node = this.#node(file.ino)
    if (!file.write || node.type !== 'file') this.#fail('EBADF', 'write')
    const at = position ?? (file.append ? node.data.byteLength : file.pos)
    if (length > 0) {
      const data = Buffer.from(buffer.subarray(offset, offset + length))
      this.#emit({ kind: 'write', ino: file.ino, offset: at, data })
    }
    if (position === null) file.pos = at + length
    return length
  }

  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
    const file = this.#fd(fd, 'read')
    const node = this.#node(file.ino)
    if (node.type === 'dir') this.#fail('EISDIR', 'read')
    if (!file.read) this.#fail('EBADF', 'read')
    const at = position ?? file.pos
    const n = Math.max(0, Math.min(length, node.data.byteLength - at))
    buffer.set(node.data.subarray(at, at + n), offset)
    if (position === null) file.pos = at + n
    return n
  }

  #sync(fd: number, method: string): void {
    const { ino } = this.#fd(fd, method)
    this.#emit({ kind: 'sync', ino, dir: this.#node(ino).type === 'dir' })
  }

  fsyncSync(fd: number): void {
    this.#sync(fd, 'fsync')
  }

  fdatasyncSync(fd: number): void {
    this.#sync(fd, 'fdatasync')
  }

  fchmodSync(fd: number, mode: number): void {
    this.#node(this.#fd(fd, 'fchmod').ino).mode = mode & 0o7777
  }

  fchownSync(fd: number, _uid: number, _gid: number): void {
    this.#fd(fd, 'fchown')
  }

  fstatSync(fd: number): Stats {
    const file = this.#fd(fd, 'fstat')
    return statsOf(file.ino, this.#node(file.ino))
  }

  renameSync(from: string, to: string): void {
    const ino = this.#lookup(from, 'rename')
    const src = this.#parent(from, 'rename')
    const dst = this.#parent(to, 'rename')
    const moving = this.#node(ino)
    const existing = this.#find(to, 'rename')
    if (existing === ino) return
    if (existing !== undefined) {
      const over = this.#node(existing)
      if (moving.type === 'file' && over.type === 'dir') this.#fail('EISDIR', 'rename', from, to)
      if (moving.type === 'dir' && over.type === 'file') this.#fail('ENOTDIR', 'rename', from, to)
      if (over.type === 'dir' && over.entries.size > 0) this.#fail('ENOTEMPTY', 'rename', from, to)
    }
    if (moving.type === 'dir' && `${resolve(to)}/`.startsWith(`${resolve(from)}/`))
      this.#fail('EINVAL', 'rename', from, to)
    this.#emit({
      kind: 'rename',
      fromDir: src.dir,
      from: src.name,
      toDir: dst.dir,
      to: dst.name,
      ino,
      type: moving.type,
    })
  }

  unlinkSync(path: string): void {
    const ino = this.#lookup(path, 'unlink')
    if (this.#node(ino).type === 'dir') this.#fail('EISDIR', 'unlink', path)
    const { dir, name } = this.#parent(path, 'unlink')
    this.#emit({ kind: 'unlink', dir, name, ino })
  }

  mkdirSync(path: string, mode = 0o777): void {
    if (this.#find(path, 'mkdir') !== undefined) this.#fail('EEXIST', 'mkdir', path)
    const { dir, name } = this.#parent(path, 'mkdir')
    this.#create(dir, name, 'dir', mode)
  }

  rmdirSync(path: string): void {
    const ino = this.#lookup(path, 'rmdir')
    const node = this.#node(ino)
    if (node.type !== 'dir') this.#fail('ENOTDIR', 'rmdir', path)
    if (node.entries.size > 0) this.#fail('ENOTEMPTY', 'rmdir', path)
    const { dir, name } = this.#parent(path, 'rmdir')
    this.#emit({ kind: 'unlink', dir, name, ino })
  }

  lstatSync(path: string): Stats {
    const ino = this.#lookup(path, 'lstat')
    return statsOf(ino, this.#node(ino))
  }

  statSync(path: string): Stats {
    const ino = this.#lookup(path, 'stat')
    return statsOf(ino, this.#node(ino))
  }

  readlinkSync(path: string): string {
    this.#lookup(path, 'readlink')
    return this.#fail('EINVAL', 'readlink', path)
  }

  realpathSync(path: string): string {
    this.#lookup(path, 'realpath')
    return resolve(path)
  }

  readFileSync(path: string): Buffer {
    const node = this.#node(this.#lookup(path, 'open'))
    if (node.type === 'dir') this.#fail('EISDIR', 'read')
    return Buffer.from(node.data)
  }

  readdirSync(path: string): string[] {
    const node = this.#node(this.#lookup(path, 'scandir'))
    if (node.type !== 'dir') this.#fail('ENOTDIR', 'scandir', path)
    return [...node.entries.keys()].sort()
  }

  copyFileSync(from: string, to: string, mode = 0): void {
    const src = this.#node(this.#lookup(from, 'copyfile'))
    if (src.type === 'dir') this.#fail('EISDIR', 'copyfile', from, to)
    const data = Buffer.from(src.data)
    let ino = this.#find(to, 'copyfile')
    if (ino !== undefined && (mode & constants.COPYFILE_EXCL) !== 0)
      this.#fail('EEXIST', 'copyfile', from, to)
    if (ino !== undefined && this.#node(ino).type === 'dir') this.#fail('EISDIR', 'copyfile', from, to)
    if (ino === undefined) {
      const { dir, name } = this.#parent(to, 'copyfile')
      ino = this.#create(dir, name, 'file', src.mode)
    } else this.#emit({ kind: 'truncate', ino, size: 0 })
    if (data.byteLength > 0) this.#emit({ kind: 'write', ino, offset: 0, data })
  }
}

/** An in-memory {@link FsLike}: {@link MemFsCore} plus promise versions of every method. */
export type MemFs = MemFsCore & FsLike

/**
 * A fresh in-memory file system over `state` (default: an empty root). Fast and deterministic:
 * async methods do their work synchronously and return a settled promise.
 */
export function memFs(state?: MemState): MemFs {
  const core = new MemFsCore(state)
  const target = core as unknown as Record<string, unknown>
  for (const method of FS_METHODS) {
    const sync = target[`${method}Sync`] as (...args: unknown[]) => unknown
    target[method] = (...args: unknown[]): Promise<unknown> => {
      try {
        return Promise.resolve(sync.apply(core, args))
      } catch (err) {
        return Promise.reject(err)
      }
    }
  }
  return core as MemFs
}
