import { createHash } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'

/** A regular file: an inode holding bytes. */
export interface FileNode {
  type: 'file'
  data: Buffer
  mode: number
  mtimeMs: number
}

/** A directory: an inode holding a map from entry name to inode number. */
export interface DirNode {
  type: 'dir'
  entries: Map<string, number>
  mode: number
  mtimeMs: number
}

/** An inode. */
export type MemNode = FileNode | DirNode

/** A whole file system: inodes by number, `/` is inode {@link ROOT}. Unreachable inodes are orphans. */
export interface MemState {
  nodes: Map<number, MemNode>
  nextIno: number
}

/** Inode number of `/`. */
export const ROOT = 1
const EPOCH = 1_700_000_000_000

/**
 * One change to a file system, in inode terms: what a call did, and the unit the crash model decides
 * to keep or lose. `link` adds an entry (creating the inode when `create` is given: open O_CREAT,
 * mkdir), `unlink` removes one, `rename` moves one (replacing whatever `to` named), `write` and
 * `truncate` change a file's bytes, `sync` is an fsync/fdatasync of the inode (a directory when `dir`).
 * A `link` whose inode is missing creates it (as `create`, else an empty file): a crash state may keep
 * a rename and lose the creation before it, and the renamed inode still exists, with its synced data.
 */
export type Effect =
  | { kind: 'link'; dir: number; name: string; ino: number; create?: { type: 'file' | 'dir'; mode: number } }
  | { kind: 'unlink'; dir: number; name: string; ino: number }
  | {
      kind: 'rename'
      fromDir: number
      from: string
      toDir: number
      to: string
      ino: number
      type: 'file' | 'dir'
    }
  | { kind: 'write'; ino: number; offset: number; data: Buffer }
  | { kind: 'truncate'; ino: number; size: number }
  | { kind: 'sync'; ino: number; dir: boolean }

/** A file system holding only `/`. */
export function emptyState(): MemState {
  const root: DirNode = { type: 'dir', entries: new Map(), mode: 0o755, mtimeMs: EPOCH }
  return { nodes: new Map([[ROOT, root]]), nextIno: ROOT + 1 }
}

/** A deep copy of `state`. */
export function cloneState(state: MemState): MemState {
  const nodes = new Map<number, MemNode>()
  for (const [ino, n] of state.nodes) {
    nodes.set(
      ino,
      n.type === 'file' ? { ...n, data: Buffer.from(n.data) } : { ...n, entries: new Map(n.entries) },
    )
  }
  return { nodes, nextIno: state.nextIno }
}

const GARBAGE = Buffer.from('~garbage~')

/** `length` bytes of a fixed pattern no test content uses: what an unsynced write may leave behind. */
export function garbageOf(length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = GARBAGE[i % GARBAGE.length]!
  return out
}

function nodeAt<T extends MemNode['type']>(state: MemState, ino: number, type: T): MemNode & { type: T } {
  let node = state.nodes.get(ino)
  if (!node || node.type !== type) {
    // A crash state may keep an operation on an inode whose creation was lost: it is an orphan.
    node =
      type === 'dir'
        ? { type: 'dir', entries: new Map(), mode: 0o755, mtimeMs: EPOCH }
        : { type: 'file', data: Buffer.alloc(0), mode: 0o644, mtimeMs: EPOCH }
    state.nodes.set(ino, node)
  }
  state.nextIno = Math.max(state.nextIno, ino + 1)
  return node as MemNode & { type: T }
}

function writeInto(file: FileNode, offset: number, data: Buffer): void {
  const end = offset + data.byteLength
  if (end > file.data.byteLength) {
    const grown = Buffer.alloc(end)
    file.data.copy(grown)
    file.data = grown
  }
  data.copy(file.data, offset)
}

/**
 * Applies one effect. Tolerant, because a crash state applies a subset of a trace's effects: an entry
 * is removed only while it still names the same inode, and a missing inode is created on first use.
 * With `garbage`, a write puts {@link garbageOf} its length instead of its bytes.
 */
export function applyEffect(state: MemState, e: Effect, garbage = false): void {
  switch (e.kind) {
    case 'link': {
      const dir = nodeAt(state, e.dir, 'dir')
      if (!state.nodes.has(e.ino)) {
        const { type, mode } = e.create ?? { type: 'file', mode: 0o644 }
        state.nodes.set(
          e.ino,
          type === 'dir'
            ? { type, entries: new Map(), mode, mtimeMs: EPOCH }
            : { type, data: Buffer.alloc(0), mode, mtimeMs: EPOCH },
        )
        state.nextIno = Math.max(state.nextIno, e.ino + 1)
      }
      dir.entries.set(e.name, e.ino)
      return
    }
    case 'unlink': {
      const dir = nodeAt(state, e.dir, 'dir')
      if (dir.entries.get(e.name) === e.ino) dir.entries.delete(e.name)
      return
    }
    case 'rename':
      applyEffect(state, { kind: 'unlink', dir: e.fromDir, name: e.from, ino: e.ino })
      applyEffect(state, {
        kind: 'link',
        dir: e.toDir,
        name: e.to,
        ino: e.ino,
        create: { type: e.type, mode: 0o644 },
      })
      return
    case 'write':
      writeInto(nodeAt(state, e.ino, 'file'), e.offset, garbage ? garbageOf(e.data.byteLength) : e.data)
      return
    case 'truncate': {
      const file = nodeAt(state, e.ino, 'file')
      file.data = Buffer.from(file.data.subarray(0, e.size))
      if (file.data.byteLength < e.size) writeInto(file, e.size, Buffer.alloc(0))
      return
    }
    case 'sync':
      return
  }
}

/** The inode at `path`, or undefined when some component is missing or not a directory. */
export function inodeAt(state: MemState, path: string): number | undefined {
  let ino = ROOT
  for (const name of resolve(path).split('/').filter(Boolean)) {
    const node = state.nodes.get(ino)
    const next = node?.type === 'dir' ? node.entries.get(name) : undefined
    if (next === undefined) return undefined
    ino = next
  }
  return ino
}

/** What `path` holds: its bytes, `null` when missing, `'dir'` for a directory. */
export function contentAt(state: MemState, path: string): Buffer | null | 'dir' {
  const ino = inodeAt(state, path)
  const node = ino === undefined ? undefined : state.nodes.get(ino)
  if (!node) return null
  return node.type === 'dir' ? 'dir' : node.data
}

/** Creates a directory and its missing parents (setup only: no effects are recorded). */
export function putDir(state: MemState, path: string): number {
  const abs = resolve(path)
  if (abs === '/') return ROOT
  const parent = nodeAt(state, putDir(state, dirname(abs)), 'dir')
  const name = abs.slice(abs.lastIndexOf('/') + 1)
  const existing = parent.entries.get(name)
  if (existing !== undefined) return existing
  const ino = state.nextIno++
  state.nodes.set(ino, { type: 'dir', entries: new Map(), mode: 0o755, mtimeMs: EPOCH })
  parent.entries.set(name, ino)
  return ino
}

/** A file system holding `files` (path → content) and the directories `dirs`, all durable. */
export function stateOf(files: Record<string, string | Uint8Array>, dirs: readonly string[] = []): MemState {
  const state = emptyState()
  for (const dir of dirs) putDir(state, dir)
  for (const [path, content] of Object.entries(files)) {
    const parent = nodeAt(state, putDir(state, dirname(resolve(path))), 'dir')
    const ino = state.nextIno++
    state.nodes.set(ino, { type: 'file', data: Buffer.from(content), mode: 0o644, mtimeMs: EPOCH })
    parent.entries.set(resolve(path).slice(resolve(path).lastIndexOf('/') + 1), ino)
  }
  return state
}

/** Every reachable path: files with their bytes, directories as `'dir'`, in sorted order. */
export function walk(state: MemState): Map<string, Buffer | 'dir'> {
  const out = new Map<string, Buffer | 'dir'>()
  const visit = (ino: number, path: string, depth: number) => {
    const node = state.nodes.get(ino)
    if (node?.type !== 'dir' || depth > 64) return
    for (const name of [...node.entries.keys()].sort()) {
      const child = node.entries.get(name)!
      const p = join(path, name)
      const n = state.nodes.get(child)
      if (n?.type === 'file') out.set(p, n.data)
      else if (n) {
        out.set(p, 'dir')
        visit(child, p, depth + 1)
      }
    }
  }
  visit(ROOT, '/', 0)
  return out
}

/** A string equal for two states exactly when they hold the same reachable tree and bytes. */
export function stateKey(state: MemState): string {
  const parts: string[] = []
  for (const [path, v] of walk(state)) {
    parts.push(v === 'dir' ? `${path}/` : `${path}:${createHash('sha1').update(v).digest('base64')}`)
  }
  return parts.join('\n')
}
