import { writeFileSync as nodeWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GATHER_BYTES } from '../../src/core/data.js'
import {
  nodeFs,
  type SyncData,
  type WriteOptions,
  type WriteStats,
  writeFile,
  writeFileSync,
} from '../../src/index.js'
import { droppingFs, recordingFs } from '../helpers/fault-fs.js'
import { tempDir } from '../helpers/tmp.js'
import {
  calls,
  checkDurableWriteOrder,
  countOf,
  indexOf,
  isSync,
  type Trace,
  type TraceEntry,
} from '../helpers/trace.js'

interface Api {
  name: string
  sync: boolean
  write(path: string, data: SyncData, options?: WriteOptions): Promise<WriteStats>
}

const apis: Api[] = [
  { name: 'writeFile', sync: false, write: (path, data, options) => writeFile(path, data, options) },
  {
    name: 'writeFileSync',
    sync: true,
    write: async (path, data, options) => writeFileSync(path, data, options),
  },
]

/** `count` chunks of `size` bytes, each filled with its own index, and their concatenation. */
function chunks(count: number, size: number): { parts: Buffer[]; all: Buffer } {
  const parts = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251))
  return { parts, all: Buffer.concat(parts) }
}

/** The op counters a trace implies, counted from the calls that reached the file system. */
function opsOf(trace: Trace, dir: string): WriteStats['ops'] {
  return {
    reads: countOf(trace, calls(['read', 'readFile'])),
    writes: countOf(trace, calls('write')),
    fsyncs: countOf(trace, (e) => isSync(e) && e.path !== dir),
    dirFsyncs: countOf(trace, calls('fsync', dir)),
    renames: countOf(trace, calls('rename')),
    unlinks: countOf(trace, calls('unlink')),
    mkdirs: countOf(trace, calls('mkdir')),
    locks: 0,
  }
}

describe.each(apis)('$name', (api) => {
  it('creates a new file through an exclusive hidden temp, a sync, a rename and a directory fsync', async () => {
    const dir = tempDir()
    const target = join(dir, 'new.txt')
    const fs = recordingFs(nodeFs())
    await api.write(target, 'hello', { fs })
    expect(checkDurableWriteOrder(fs.trace, target)).toEqual([])
    expect(readFileSync(target, 'utf8')).toBe('hello')
    // The sync API makes only blocking calls, the async one only asynchronous ones.
    expect(fs.trace.every((e) => e.sync === api.sync)).toBe(true)
  })

  it('replaces an existing file in the durable order', async () => {
    const dir = tempDir()
    const target = join(dir, 'old.txt')
    nodeWriteFileSync(target, 'old content', { mode: 0o640 })
    const fs = recordingFs(nodeFs())
    await api.write(target, 'new content', { fs })
    expect(checkDurableWriteOrder(fs.trace, target)).toEqual([])
    expect(readFileSync(target, 'utf8')).toBe('new content')
  })

  it('reports the exact system calls of a fresh small file, and makes exactly those', async () => {
    const dir = tempDir()
    const target = join(dir, 'fresh.txt')
    const fs = recordingFs(nodeFs())
    const stats = await api.write(target, 'small', { fs })
    const expected = {
      reads: 0,
      writes: 1,
      fsyncs: 1,
      dirFsyncs: 1,
      renames: 1,
      unlinks: 0,
      mkdirs: 0,
      locks: 0,
    }
    expect(stats.ops).toEqual(expected)
    expect(opsOf(fs.trace, dir)).toEqual(expected)
  })

  it('makes a new file with the default mode with open, write, fdatasync, close, rename and a directory fsync only', async () => {
    const dir = tempDir()
    const target = join(dir, 'plain.txt')
    const fs = recordingFs(nodeFs())
    await api.write(target, 'plain', { fs })
    const methods = fs.trace.filter((e) => e.method !== 'readdir').map((e) => e.method)
    expect(methods).toEqual([
      'lstat',
      'open',
      'write',
      'fdatasync',
      'close',
      'rename',
      'open',
      'fsync',
      'close',
    ])
    const open = fs.trace.find((e) => e.method === 'open')!
    expect(open.args[2]).toBe(0o666)
  })

  it('keeps an existing mode with fchmod and then a full fsync, the temp never wider than that mode', async () => {
    const dir = tempDir()
    const target = join(dir, 'kept.txt')
    nodeWriteFileSync(target, 'old', { mode: 0o600 })
    const fs = recordingFs(nodeFs())
    await api.write(target, 'new', { fs })
    const methods = fs.trace.filter((e) => e.method !== 'readdir').map((e) => e.method)
    expect(methods).toEqual([
      'lstat',
      'open',
      'write',
      'fchmod',
      'fsync',
      'close',
      'rename',
      'open',
      'fsync',
      'close',
    ])
    expect(fs.trace.find((e) => e.method === 'open')!.args[2]).toBe(0o600)
    expect(checkDurableWriteOrder(fs.trace, target)).toEqual([])
  })

  it('makes no fsync at all in fast mode, and the order checker notices', async () => {
    const dir = tempDir()
    const target = join(dir, 'fast.txt')
    const fs = recordingFs(nodeFs())
    const stats = await api.write(target, 'quick', { fs, durability: 'fast' })
    expect(countOf(fs.trace, isSync)).toBe(0)
    expect(countOf(fs.trace, calls('rename'))).toBe(1)
    expect(stats.ops.fsyncs + stats.ops.dirFsyncs).toBe(0)
    expect(checkDurableWriteOrder(fs.trace, target)).toHaveLength(2)
    expect(readFileSync(target, 'utf8')).toBe('quick')
  })

  it('gathers 1000 chunks of 100 bytes into a single write call', async () => {
    const dir = tempDir()
    const target = join(dir, 'chunks.bin')
    const { parts, all } = chunks(1000, 100)
    const fs = recordingFs(nodeFs())
    const stats = await api.write(target, parts, { fs })
    expect(countOf(fs.trace, calls('write'))).toBe(1)
    expect(stats.ops.writes).toBe(1)
    expect(readFileSync(target).equals(all)).toBe(true)
    expect(checkDurableWriteOrder(fs.trace, target)).toEqual([])
  })

  it('writes many small chunks in writes of at most GATHER_BYTES', async () => {
    const dir = tempDir()
    const target = join(dir, 'many.bin')
    const { parts, all } = chunks(10_000, 100)
    const fs = recordingFs(nodeFs())
    const stats = await api.write(target, parts, { fs })
    const perWrite = Math.floor(GATHER_BYTES / 100)
    const writes = fs.trace.filter(calls('write'))
    expect(writes).toHaveLength(Math.ceil(10_000 / perWrite))
    expect(writes.map((e) => e.data?.byteLength)).toEqual([
      perWrite * 100,
      perWrite * 100,
      perWrite * 100,
      1_000_000 - 3 * perWrite * 100,
    ])
    expect(stats.ops.writes).toBe(writes.length)
    expect(Buffer.concat(writes.map((e) => e.data!)).equals(all)).toBe(true)
    expect(readFileSync(target).equals(all)).toBe(true)
  })
})

const tempSync = (c: { method: string; path?: string }) =>
  (c.method === 'fsync' || c.method === 'fdatasync') && (c.path ?? '').endsWith('.dwtmp')

describe.each(apis)('the durable order checker ($name)', (api) => {
  it('reports a violation when the sync of the temp file is dropped', async () => {
    const dir = tempDir()
    const target = join(dir, 'a.txt')
    const recorder = recordingFs(nodeFs())
    const fs = droppingFs(recorder, tempSync)
    await api.write(target, 'content', { fs })
    expect(fs.dropped).toHaveLength(1)
    const violations = checkDurableWriteOrder(recorder.trace, target)
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatch(/was not fsynced \(fsync or fdatasync\) before the rename/)
  })

  it('reports a violation when the fsync of the directory is dropped', async () => {
    const dir = tempDir()
    const target = join(dir, 'a.txt')
    const recorder = recordingFs(nodeFs())
    const fs = droppingFs(recorder, (c) => c.method === 'fsync' && c.path === dir)
    await api.write(target, 'content', { fs })
    expect(fs.dropped).toHaveLength(1)
    expect(checkDurableWriteOrder(recorder.trace, target)).toEqual([
      `The directory ${dir} was not fsynced after the rename onto ${target}.`,
    ])
  })
})

describe('the durable order checker on altered traces', () => {
  async function recorded(): Promise<{ trace: TraceEntry[]; target: string }> {
    const dir = tempDir()
    const target = join(dir, 'a.txt')
    const fs = recordingFs(nodeFs())
    writeFileSync(target, 'content', { fs, mode: 0o600 })
    expect(checkDurableWriteOrder(fs.trace, target)).toEqual([])
    return { trace: fs.trace, target }
  }

  /** A copy of `trace` with the entry matching `test` changed by `change`. */
  function altered(
    trace: TraceEntry[],
    test: (e: TraceEntry) => boolean,
    change: Partial<TraceEntry>,
  ): TraceEntry[] {
    const at = indexOf(trace, test)
    expect(at).toBeGreaterThanOrEqual(0)
    return trace.map((e, i) => (i === at ? { ...e, ...change } : e))
  }

  it('reports a temp file opened without O_EXCL or with a wider mode', async () => {
    const { trace, target } = await recorded()
    const open = (e: TraceEntry) => e.method === 'open' && (e.path ?? '').endsWith('.dwtmp')
    const openArgs = trace.find(open)!.args
    const bad = altered(trace, open, { args: [openArgs[0], 'w', 0o666] })
    const violations = checkDurableWriteOrder(bad, target, 0o600)
    expect(violations).toHaveLength(2)
    expect(violations.join(' ')).toMatch(
      /flags w, not 'wx'.*mode 0o666, wider than the file's final mode 0o600/,
    )
  })

  it('reports a sync that finished only after the rename', async () => {
    const { trace, target } = await recorded()
    const rename = trace.find(calls('rename'))!
    const late = altered(trace, tempSync, { start: rename.end! + 1, end: rename.end! + 2 })
    expect(checkDurableWriteOrder(late, target)).toEqual([expect.stringMatching(/not fsynced/)])
  })

  it('reports a write that finished only after the sync', async () => {
    const { trace, target } = await recorded()
    const sync = trace.find(tempSync)!
    const late = altered(trace, calls('write'), { start: sync.end! - 1, end: sync.end! + 1 })
    expect(checkDurableWriteOrder(late, target)).toEqual([expect.stringMatching(/write .* not finished/)])
  })

  it('reports a directory fsync issued before the rename had finished', async () => {
    const { trace, target } = await recorded()
    const rename = trace.find(calls('rename'))!
    const early = altered(trace, (e) => e.method === 'fsync' && !tempSync(e), { start: rename.end! - 1 })
    expect(checkDurableWriteOrder(early, target)).toEqual([expect.stringMatching(/directory .* not fsynced/)])
  })

  it('reports a temp file that is not hidden or not beside the target', async () => {
    const { trace, target } = await recorded()
    const rename = (e: TraceEntry) => e.method === 'rename'
    const visible = altered(trace, rename, { path: join(target, '..', 'visible.dwtmp') })
    expect(checkDurableWriteOrder(visible, target)).toContainEqual(expect.stringMatching(/is not hidden/))
    const elsewhere = altered(trace, rename, { path: join(target, '..', 'sub', '.a.dwtmp') })
    expect(checkDurableWriteOrder(elsewhere, target)).toContainEqual(
      expect.stringMatching(/not in the target's directory/),
    )
  })
})
