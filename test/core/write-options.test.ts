import {
  chmodSync,
  chownSync,
  existsSync,
  writeFileSync as fsWriteFileSync,
  readFileSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { versionOf } from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { apis, failureOf } from './write-api.js'

const isRoot = process.getuid?.() === 0
const modeOf = (path: string) => statSync(path).mode & 0o7777

/** Runs `fn` with the process umask set to `mask`, restoring it afterwards. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask)
  try {
    return await fn()
  } finally {
    process.umask(previous)
  }
}

describe.each(apis)('$name: mode', (api) => {
  it('gives a new file 0o666 minus the umask', async () => {
    const dir = tempDir()
    await withUmask(0o022, () => api.write(join(dir, 'a.txt'), 'a'))
    await withUmask(0o077, () => api.write(join(dir, 'b.txt'), 'b'))
    expect(modeOf(join(dir, 'a.txt'))).toBe(0o644)
    expect(modeOf(join(dir, 'b.txt'))).toBe(0o600)
  })

  it.each([0o640, 0o755, 0o600])('keeps the existing mode %o of the file it replaces', async (mode) => {
    const file = join(tempDir(), 'keep.txt')
    fsWriteFileSync(file, 'old')
    chmodSync(file, mode)
    await api.write(file, 'new')
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(modeOf(file)).toBe(mode)
  })

  it('applies the mode option over the existing mode and over the umask', async () => {
    const dir = tempDir()
    const existing = join(dir, 'existing.txt')
    fsWriteFileSync(existing, 'old')
    chmodSync(existing, 0o644)
    await api.write(existing, 'new', { mode: 0o600 })
    await withUmask(0o077, () => api.write(join(dir, 'fresh.sh'), '#!/bin/sh\n', { mode: 0o755 }))
    expect(modeOf(existing)).toBe(0o600)
    expect(modeOf(join(dir, 'fresh.sh'))).toBe(0o755)
  })
})

describe.each(apis)('$name: owner', (api) => {
  it.skipIf(!isRoot)('keeps the owner of the file it replaces', async () => {
    const file = join(tempDir(), 'owned.txt')
    fsWriteFileSync(file, 'old')
    chownSync(file, 1234, 1234)
    await api.write(file, 'new')
    const st = statSync(file)
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect([st.uid, st.gid]).toEqual([1234, 1234])
  })

  it.skipIf(!isRoot)('sets the owner given by the chown option, on new and existing files', async () => {
    const dir = tempDir()
    const existing = join(dir, 'existing.txt')
    fsWriteFileSync(existing, 'old')
    chownSync(existing, 1234, 1234)
    await api.write(existing, 'new', { chown: { uid: 4321, gid: 4322 } })
    await api.write(join(dir, 'fresh.txt'), 'x', { chown: { uid: 4321, gid: 4322 } })
    for (const p of [existing, join(dir, 'fresh.txt')]) {
      const st = statSync(p)
      expect([st.uid, st.gid]).toEqual([4321, 4322])
    }
  })

  it.skipIf(!isRoot)('with chown: false leaves the file owned by the writing process', async () => {
    const file = join(tempDir(), 'mine.txt')
    fsWriteFileSync(file, 'old')
    chownSync(file, 1234, 1234)
    await api.write(file, 'new', { chown: false })
    const st = statSync(file)
    expect([st.uid, st.gid]).toEqual([process.getuid!(), process.getgid!()])
  })
})

describe.each(apis)('$name: mkdirs', (api) => {
  it('creates missing parent directories by default', async () => {
    const dir = tempDir()
    const file = join(dir, 'a', 'b', 'c', 'deep.txt')
    const stats = await api.write(file, 'deep')
    expect(readFileSync(file, 'utf8')).toBe('deep')
    expect(stats.ops.mkdirs).toBeGreaterThanOrEqual(3)
    expect(stats.ops.dirFsyncs).toBeGreaterThanOrEqual(4)
  })

  it('with mkdirs: false fails with ENOENT and creates nothing', async () => {
    const dir = tempDir()
    const before = snapshot(dir)
    const err = await failureOf(api, () =>
      api.call(join(dir, 'missing', 'sub', 'f.txt'), 'x', { mkdirs: false }),
    )
    expect(err.code).toBe('ENOENT')
    expect(snapshot(dir)).toEqual(before)
    expect(existsSync(join(dir, 'missing'))).toBe(false)
  })
})

describe.each(apis)('$name: skipUnchanged', (api) => {
  it('writes nothing when the file already holds exactly these bytes', async () => {
    const file = join(tempDir(), 'same.txt')
    fsWriteFileSync(file, 'same content')
    const past = new Date('2001-02-03T04:05:06Z')
    utimesSync(file, past, past)
    const before = statSync(file)
    const stats = await api.write(file, 'same content', { skipUnchanged: true })
    const after = statSync(file)
    expect(stats.changed).toBe(false)
    expect(stats.bytesWritten).toBe(0)
    expect(stats.version).toBe(versionOf('same content'))
    expect(stats.ops.reads).toBeGreaterThanOrEqual(1)
    expect(stats.ops).toMatchObject({ writes: 0, renames: 0 })
    // Durable mode still makes the unchanged file and its directory entry durable.
    expect(stats.ops.fsyncs).toBe(1)
    expect(stats.ops.dirFsyncs).toBeGreaterThanOrEqual(1)
    expect(after.ino).toBe(before.ino)
    expect(after.mtimeMs).toBe(before.mtimeMs)
    expect(tempFilesIn(dirname(file))).toEqual([])
  })

  it("in 'fast' mode skips an unchanged file without any sync", async () => {
    const file = join(tempDir(), 'same.txt')
    fsWriteFileSync(file, 'same')
    const stats = await api.write(file, 'same', { skipUnchanged: true, durability: 'fast' })
    expect(stats.changed).toBe(false)
    expect(stats.ops).toMatchObject({ writes: 0, renames: 0, fsyncs: 0, dirFsyncs: 0 })
  })

  it('compares an iterable source byte for byte', async () => {
    const file = join(tempDir(), 'same.bin')
    fsWriteFileSync(file, 'abcdef')
    const ino = statSync(file).ino
    const stats = await api.write(file, ['abc', Buffer.from('def')], { skipUnchanged: true })
    expect(stats.changed).toBe(false)
    expect(statSync(file).ino).toBe(ino)
  })

  it('writes when the content differs, even at the same length', async () => {
    const file = join(tempDir(), 'diff.txt')
    fsWriteFileSync(file, 'aaaa')
    const ino = statSync(file).ino
    const stats = await api.write(file, 'aaab', { skipUnchanged: true })
    expect(stats.changed).toBe(true)
    expect(stats.bytesWritten).toBe(4)
    expect(stats.ops.reads).toBeGreaterThanOrEqual(1)
    expect(readFileSync(file, 'utf8')).toBe('aaab')
    expect(statSync(file).ino).not.toBe(ino)
  })

  it('writes a missing file and one of a different size without reading it', async () => {
    const dir = tempDir()
    fsWriteFileSync(join(dir, 'short.txt'), 'a')
    const created = await api.write(join(dir, 'new.txt'), 'new', { skipUnchanged: true })
    const longer = await api.write(join(dir, 'short.txt'), 'longer', { skipUnchanged: true })
    expect(created.changed).toBe(true)
    expect(longer.changed).toBe(true)
    expect(created.ops.reads).toBe(0)
    expect(longer.ops.reads).toBe(0)
    expect(readFileSync(join(dir, 'short.txt'), 'utf8')).toBe('longer')
  })
})
