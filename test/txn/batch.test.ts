import { existsSync, writeFileSync as nodeWriteFileSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  AtomicWriter,
  BatchPartialError,
  type BatchStats,
  batchWrite,
  DurableWriteError,
  versionOf,
  type WriteStats,
} from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { openFdCount, snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/** The snapshot without the journal directory and the journal lock, which a batch may create. */
function withoutJournal(dir: string) {
  const tree = snapshot(dir)
  for (const key of Object.keys(tree)) if (key.startsWith('.durable-write')) delete tree[key]
  return tree
}

const modes = [
  { name: 'atomic (default)', options: {}, atomic: true },
  { name: 'atomic: true', options: { atomic: true }, atomic: true },
  { name: 'atomic: false', options: { atomic: false }, atomic: false },
] as const

describe.each(modes)('batchWrite $name', ({ options, atomic }) => {
  it('writes every entry and reports one WriteStats per file', async () => {
    const dir = tempDir()
    const entries = [
      { path: join(dir, 'a.txt'), data: 'alpha' },
      { path: join(dir, 'sub', 'b.bin'), data: Buffer.from([1, 2, 3]) },
      { path: join(dir, 'c.txt'), data: ['x', 'y'] },
      { path: join(dir, 'd.txt'), data: Readable.from(['stre', 'am']) },
    ]
    nodeWriteFileSync(join(dir, 'a.txt'), 'old')
    const stats: BatchStats = await batchWrite(entries, options)
    expect(stats.atomic).toBe(atomic)
    expect(read(join(dir, 'a.txt'))).toBe('alpha')
    expect([...readFileSync(join(dir, 'sub', 'b.bin'))]).toEqual([1, 2, 3])
    expect(read(join(dir, 'c.txt'))).toBe('xy')
    expect(read(join(dir, 'd.txt'))).toBe('stream')
    expect(stats.files.map((f) => f.path).sort()).toEqual(entries.map((e) => e.path).sort())
    expect(stats.bytesWritten).toBe(5 + 3 + 2 + 6)
    for (const f of stats.files) {
      expect(f.changed).toBe(true)
      expect(f.version).toBe(versionOf(readFileSync(f.path)))
    }
    expect(stats.ops.renames).toBe(4)
    expect(typeof stats.durationMs).toBe('number')
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('applies per-entry options over the batch options', async () => {
    const dir = tempDir()
    await batchWrite(
      [
        { path: join(dir, 'a'), data: 'a', options: { mode: 0o600 } },
        { path: join(dir, 'b'), data: 'b' },
      ],
      { ...options, mode: 0o644 },
    )
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'b')).mode & 0o777).toBe(0o644)
  })

  it('returns empty stats for an empty batch and writes nothing', async () => {
    const dir = tempDir()
    const stats = await batchWrite([], options)
    expect(stats.files).toEqual([])
    expect(stats.bytesWritten).toBe(0)
    expect(readdirSync(dir)).toEqual([])
  })

  it('rejects entries that are not an array with ERR_INVALID_ARG_TYPE', async () => {
    const err = await errorOf(() => batchWrite('nope' as never, options))
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
    const err2 = await errorOf(() => batchWrite([null] as never, options))
    expect(err2.code).toBe('ERR_INVALID_ARG_TYPE')
  })
})

describe('batchWrite atomic', () => {
  it('writes nothing when one entry cannot be written (its parent is a file)', async () => {
    const dir = tempDir()
    nodeWriteFileSync(join(dir, 'a.txt'), 'old a')
    nodeWriteFileSync(join(dir, 'blocker'), 'a file, not a directory')
    const before = snapshot(dir)
    const fds = openFdCount()
    const err = await errorOf(() =>
      batchWrite([
        { path: join(dir, 'a.txt'), data: 'new a' },
        { path: join(dir, 'blocker', 'child.txt'), data: 'cannot' },
        { path: join(dir, 'c.txt'), data: 'new c' },
      ]),
    )
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(['ENOTDIR', 'EEXIST']).toContain(err.code)
    expect(withoutJournal(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })

  it('fails with ERR_CONFLICT and writes nothing when one ifMatch does not hold', async () => {
    const dir = tempDir()
    nodeWriteFileSync(join(dir, 'a'), 'a1')
    nodeWriteFileSync(join(dir, 'b'), 'b1')
    const before = snapshot(dir)
    const err = await errorOf(() =>
      batchWrite([
        { path: join(dir, 'a'), data: 'a2', options: { ifMatch: versionOf('a1') } },
        { path: join(dir, 'b'), data: 'b2', options: { ifMatch: versionOf('b0') } },
      ]),
    )
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.path).toBe(join(dir, 'b'))
    expect(withoutJournal(dir)).toEqual(before)
  })

  it('rejects a non-boolean atomic with ERR_INVALID_ARG_TYPE', async () => {
    const err = await errorOf(() => batchWrite([], { atomic: 'yes' as never }))
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
  })
})

describe('batchWrite atomic: false', () => {
  it('writes every other entry and throws ERR_BATCH_PARTIAL with one settled result per entry', async () => {
    const dir = tempDir()
    nodeWriteFileSync(join(dir, 'blocker'), 'a file, not a directory')
    const entries = [
      { path: join(dir, 'a.txt'), data: 'A' },
      { path: join(dir, 'blocker', 'child.txt'), data: 'cannot' },
      { path: join(dir, 'c.txt'), data: 'C' },
      { path: join(dir, 'd', 'e.txt'), data: 'E' },
    ]
    const err = await errorOf(() => batchWrite(entries, { atomic: false, concurrency: 2 }))
    expect(err).toBeInstanceOf(BatchPartialError)
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_BATCH_PARTIAL')
    expect(err.message).toContain('1 of 4')
    const { results } = err as BatchPartialError
    expect(results).toHaveLength(4)
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    const failure = (results[1] as PromiseRejectedResult).reason as NodeJS.ErrnoException
    expect(['ENOTDIR', 'EEXIST']).toContain(failure.code)
    const first = (results[0] as PromiseFulfilledResult<WriteStats>).value
    expect(first.path).toBe(join(dir, 'a.txt'))
    expect(first.version).toBe(versionOf('A'))
    expect(read(join(dir, 'a.txt'))).toBe('A')
    expect(read(join(dir, 'c.txt'))).toBe('C')
    expect(read(join(dir, 'd', 'e.txt'))).toBe('E')
    expect(read(join(dir, 'blocker'))).toBe('a file, not a directory')
    expect(tempFilesIn(dir)).toEqual([])
    // No journal: each file is written on its own.
    expect(existsSync(join(dir, '.durable-write'))).toBe(false)
  })

  it('reports every failure, in entry order, after attempting every entry', async () => {
    const dir = tempDir()
    nodeWriteFileSync(join(dir, 'x'), 'x1')
    nodeWriteFileSync(join(dir, 'z'), 'z1')
    const writer = new AtomicWriter()
    const err = await errorOf(() =>
      writer.batchWrite(
        [
          { path: join(dir, 'x'), data: 'x2', options: { ifMatch: versionOf('nope') } },
          { path: join(dir, 'y'), data: 'y' },
          { path: join(dir, 'z'), data: 'z2', options: { ifNoneMatch: '*' } },
        ],
        { atomic: false, concurrency: 1 },
      ),
    )
    const { results } = err as BatchPartialError
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected'])
    for (const i of [0, 2])
      expect(((results[i] as PromiseRejectedResult).reason as Error & { code: string }).code).toBe(
        'ERR_CONFLICT',
      )
    expect(read(join(dir, 'x'))).toBe('x1')
    expect(read(join(dir, 'y'))).toBe('y')
    expect(read(join(dir, 'z'))).toBe('z1')
  })
})
