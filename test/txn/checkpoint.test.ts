import {
  chmodSync,
  existsSync,
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, checkpoint } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

describe('checkpoint', () => {
  it('restores captured files as they were: in-place changes undone, a created file removed', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'sub'))
    const a = join(dir, 'a.txt')
    const b = join(dir, 'sub', 'b.txt')
    const missing = join(dir, 'missing.txt')
    nodeWriteFileSync(a, 'original a')
    nodeWriteFileSync(b, 'original b')

    const cp = await checkpoint([a, b, missing])
    expect(cp.paths).toEqual([a, b, missing])
    expect(typeof cp.id).toBe('string')
    expect(cp.dir).toBe(join(dir, '.durable-write', 'checkpoints', cp.id))
    expect(existsSync(cp.dir)).toBe(true)

    // In-place changes (same inode): a hard-linked copy would change with them.
    nodeWriteFileSync(a, 'changed in place')
    unlinkSync(b)
    nodeWriteFileSync(missing, 'created later')

    const stats = await cp.restore()
    expect(read(a)).toBe('original a')
    expect(read(b)).toBe('original b')
    expect(existsSync(missing)).toBe(false)
    expect(stats.removed).toEqual([missing])
    expect(stats.files.map((f) => f.path).sort()).toEqual([a, b].sort())
    expect(tempFilesIn(dir)).toEqual([])

    await cp.discard()
    expect(existsSync(cp.dir)).toBe(false)
    // The files themselves stay as restored.
    expect(read(a)).toBe('original a')
    expect(read(b)).toBe('original b')
  })

  it('can restore more than once (the copies stay until discard)', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'v1')
    const cp = await checkpoint([a])
    nodeWriteFileSync(a, 'v2')
    await cp.restore()
    expect(read(a)).toBe('v1')
    nodeWriteFileSync(a, 'v3')
    await cp.restore()
    expect(read(a)).toBe('v1')
    await cp.discard()
  })

  it('restores the file mode captured', async () => {
    const dir = tempDir()
    const script = join(dir, 'run.sh')
    nodeWriteFileSync(script, '#!/bin/sh\n')
    chmodSync(script, 0o750)
    const cp = await checkpoint([script])
    chmodSync(script, 0o644)
    nodeWriteFileSync(script, 'changed')
    await cp.restore()
    expect(statSync(script).mode & 0o777).toBe(0o750)
    expect(read(script)).toBe('#!/bin/sh\n')
  })

  it('keeps copies that are separate inodes from the captured files', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'captured')
    const cp = await checkpoint([a])
    const copies = readdirSync(cp.dir).filter((n) => n !== 'index.json')
    expect(copies).toHaveLength(1)
    const copy = statSync(join(cp.dir, copies[0]!))
    expect(copy.ino).not.toBe(statSync(a).ino)
    expect(copy.nlink).toBe(1)
    expect(readFileSync(join(cp.dir, copies[0]!), 'utf8')).toBe('captured')
    expect(JSON.parse(readFileSync(join(cp.dir, 'index.json'), 'utf8')).id).toBe(cp.id)
  })

  it('captures into options.dir, accepts URLs and de-duplicates paths', async () => {
    const dir = tempDir()
    const where = join(tempDir(), 'cps')
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'a')
    const writer = new AtomicWriter()
    const cp = await writer.checkpoint([pathToFileURL(a), a], { dir: where })
    expect(cp.paths).toEqual([a])
    expect(cp.dir).toBe(join(where, cp.id))
    expect(existsSync(join(dir, '.durable-write'))).toBe(false)
    nodeWriteFileSync(a, 'b')
    await cp.restore()
    expect(read(a)).toBe('a')
    await cp.discard()
    expect(readdirSync(where)).toEqual([])
  })

  it('gives each checkpoint its own id and directory', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'one')
    const first = await checkpoint([a])
    nodeWriteFileSync(a, 'two')
    const second = await checkpoint([a])
    expect(second.id).not.toBe(first.id)
    nodeWriteFileSync(a, 'three')
    await first.restore()
    expect(read(a)).toBe('one')
    await second.restore()
    expect(read(a)).toBe('two')
  })

  it.each([[[]], ['a.txt'], [undefined]])('rejects paths %j with ERR_INVALID_ARG_TYPE', async (paths) => {
    const err = await errorOf(() => checkpoint(paths as never))
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
  })
})
