import { constants, type Stats } from 'node:fs'
import type { MemNode } from './crash-state.js'

/** What an open flag asks for (string flags like `'wx'`, or numeric O_* flags). */
export interface Flags {
  read: boolean
  write: boolean
  create: boolean
  excl: boolean
  trunc: boolean
  append: boolean
}

const { O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = constants

/** Decodes open flags as node:fs does. */
export function parseFlags(flags: string | number): Flags {
  if (typeof flags === 'number') {
    const acc = flags & 3
    return {
      read: acc !== O_WRONLY,
      write: acc === O_WRONLY || acc === O_RDWR,
      create: (flags & O_CREAT) !== 0,
      excl: (flags & O_EXCL) !== 0,
      trunc: (flags & O_TRUNC) !== 0,
      append: (flags & O_APPEND) !== 0,
    }
  }
  const f = flags.replace('s', '')
  const plus = f.includes('+')
  const excl = f.includes('x')
  if (f.startsWith('r'))
    return { read: true, write: plus, create: false, excl: false, trunc: false, append: false }
  if (f.startsWith('w') || f === 'xw' || f === 'xw+')
    return { read: plus, write: true, create: true, excl, trunc: true, append: false }
  if (f.startsWith('a') || f.startsWith('xa'))
    return { read: plus, write: true, create: true, excl, trunc: false, append: true }
  throw new TypeError(`Unknown open flags ${flags}.`)
}

const uid = process.geteuid?.() ?? 0
const gid = process.getegid?.() ?? 0

/** A node:fs-like Stats for an in-memory inode (owned by this process, times from its mtime). */
export function statsOf(ino: number, node: MemNode): Stats {
  const dir = node.type === 'dir'
  const size = dir ? 4096 : node.data.byteLength
  const t = node.mtimeMs
  const times = ['atime', 'mtime', 'ctime', 'birthtime'].flatMap((k) => [
    [`${k}Ms`, t],
    [k, new Date(t)],
  ])
  const no = ['isSymbolicLink', 'isBlockDevice', 'isCharacterDevice', 'isFIFO', 'isSocket'].map((k) => [
    k,
    () => false,
  ])
  return {
    dev: 1,
    ino,
    mode: (dir ? constants.S_IFDIR : constants.S_IFREG) | node.mode,
    nlink: 1,
    uid,
    gid,
    rdev: 0,
    size,
    blksize: 4096,
    blocks: Math.ceil(size / 512),
    ...Object.fromEntries([...times, ...no]),
    isFile: () => !dir,
    isDirectory: () => dir,
  } as Stats
}
