import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { batchWrite, nodeFs, recover, writeFile, writeTransaction } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { faultyFs, recordingFs, renamesFailFrom } from '../helpers/fault-fs.js'
import { reportFigure } from '../helpers/report.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

const GROUPS = ['api', 'models', 'client', 'types']

interface Tree {
  /** The directory that holds the journal (`out`). */
  out: string
  paths: string[]
  journal: string
}

function contentOf(path: string, generation: string): string {
  return `${generation} ${relative(dirname(dirname(path)), path)}\n`
}

/**
 * Writes generation "one" of `files` files across out/{api,models,client,types}, then an atomic batch
 * of generation "two" whose renames fail from the (renamed + 1)-th on, every retry included: the
 * batch fails with ERR_TXN_INCOMPLETE after its commit point, `renamed` files new, the rest old.
 */
async function interruptedBatch(root: string, files: number, renamed: number): Promise<Tree> {
  const out = join(root, 'out')
  const paths = Array.from({ length: files }, (_, i) => join(out, GROUPS[i % GROUPS.length]!, `f${i}.ts`))
  for (const p of paths) {
    mkdirSync(dirname(p), { recursive: true })
    writeFileSync(p, contentOf(p, 'one'))
  }
  const fs = renamesFailFrom(renamed + 1)
  const err = await errorOf(() =>
    batchWrite(
      paths.map((p) => ({ path: p, data: contentOf(p, 'two') })),
      { fs, concurrency: 1 },
    ),
  )
  expect(err.code).toBe('ERR_TXN_INCOMPLETE')
  expect(err.message).toContain(join(out, '.durable-write'))
  const expected = {
    ...(renamed < files ? { one: files - renamed } : {}),
    ...(renamed > 0 ? { two: renamed } : {}),
  }
  expect(generations({ out, paths, journal: '' })).toEqual(expected)
  return { out, paths, journal: join(out, '.durable-write') }
}

function generations(tree: Tree): Record<string, number> {
  const count: Record<string, number> = {}
  for (const p of tree.paths) {
    const text = readFileSync(p, 'utf8')
    const gen = text === contentOf(p, 'one') ? 'one' : text === contentOf(p, 'two') ? 'two' : 'torn'
    count[gen] = (count[gen] ?? 0) + 1
  }
  return count
}

function manifestsIn(journal: string): string[] {
  return existsSync(journal) ? readdirSync(journal).filter((n) => n.endsWith('.manifest')) : []
}

/** A small seeded generator, so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

describe('recover(dir) from any directory of the tree', () => {
  it('completes a 200-file batch killed after its commit point, from a target directory or an ancestor', async () => {
    for (const from of ['api', 'models', '.', '..']) {
      const root = tempDir()
      const tree = await interruptedBatch(root, 200, 76)
      const dir = from === '..' ? root : from === '.' ? tree.out : join(tree.out, from)
      const report = await recover(dir)
      expect(report.rolledForward, from).toBe(1)
      expect(report.conflicts, from).toEqual([])
      expect(generations(tree), from).toEqual({ two: 200 })
      expect(tempFilesIn(root), from).toEqual([])
      expect(manifestsIn(tree.journal), from).toEqual([])
    }
    reportFigure('I6 recoveries run from another directory than the journal’s', 4, '200-file batch')
  })

  it('holds all old or all new whatever directories recovery runs from, in any order, again and again', async () => {
    for (const [seed, renamed] of [
      [1, 0],
      [2, 1],
      [3, 7],
      [4, 6],
      [5, 11],
    ] as const) {
      const root = tempDir()
      const tree = await interruptedBatch(root, 12, renamed)
      const dirs = [tree.out, root, ...GROUPS.map((g) => join(tree.out, g)), dirname(root)]
      const order = shuffled([...dirs, ...dirs], seed)
      let forward = 0
      for (const dir of order) {
        // The temp directory's parent holds other tests' trees: recover only this one's there.
        const report = await recover(dir === dirname(root) ? root : dir)
        forward += report.rolledForward
        expect(generations(tree), `seed ${seed}, ${dir}`).toEqual({ two: 12 })
      }
      expect(forward).toBe(1)
      expect(tempFilesIn(root)).toEqual([])
      reportFigure(
        'I6 recoveries run from another directory than the journal’s',
        order.length,
        '12-file batch',
      )
    }
  })

  it('leaves files outside the journal scope untouched', async () => {
    const root = tempDir()
    const tree = await interruptedBatch(root, 8, 3)
    const bystander = join(root, 'elsewhere')
    mkdirSync(bystander)
    writeFileSync(join(bystander, 'notes.txt'), 'mine')
    const before = snapshot(bystander)
    await recover(join(tree.out, 'api'))
    expect(snapshot(bystander)).toEqual(before)
    expect(generations(tree)).toEqual({ two: 8 })
  })
})

describe('a moved or copied tree', () => {
  it('recovers where the tree is now after a move', async () => {
    const root = tempDir()
    const tree = await interruptedBatch(root, 12, 5)
    const moved = join(root, 'moved')
    renameSync(tree.out, moved)
    const at = { out: moved, paths: tree.paths.map((p) => join(moved, relative(tree.out, p))), journal: '' }
    const report = await recover(join(moved, 'client'))
    expect(report.rolledForward).toBe(1)
    expect(generations(at)).toEqual({ two: 12 })
    expect(tempFilesIn(root)).toEqual([])
  })

  it('recovers a copy without touching the original, and the original on its own', async () => {
    const root = tempDir()
    const tree = await interruptedBatch(root, 12, 5)
    const copy = join(root, 'copy')
    cpSync(tree.out, copy, { recursive: true })
    const original = snapshot(tree.out)
    const at = { out: copy, paths: tree.paths.map((p) => join(copy, relative(tree.out, p))), journal: '' }
    expect((await recover(copy)).rolledForward).toBe(1)
    expect(generations(at)).toEqual({ two: 12 })
    expect(snapshot(tree.out)).toEqual(original)
    expect((await recover(tree.out)).rolledForward).toBe(1)
    expect(generations(tree)).toEqual({ two: 12 })
  })
})

describe('no lost update', () => {
  it.each([1, 2, 3])(
    'a transaction whose rename #%i keeps failing reports ERR_TXN_INCOMPLETE, and recovery never overwrites the files written again since',
    async (failing) => {
      const dir = tempDir()
      const files = ['a.txt', 'b.txt', 'c.txt'].map((n) => join(dir, n))
      for (const f of files) writeFileSync(f, 'v1')
      const fs = renamesFailFrom(failing)
      const err = await errorOf(() =>
        writeTransaction(
          (tx) => {
            for (const f of files) tx.writeFile(f, 'v2 (transaction)')
          },
          { fs, concurrency: 1 },
        ),
      )
      expect(err.code).toBe('ERR_TXN_INCOMPLETE')
      expect(err).toMatchObject({ journal: expect.stringContaining('.durable-write') })
      expect((err.cause as NodeJS.ErrnoException).code).toBe('EIO')
      // The application moves on and writes newer content; each write resolves.
      for (const f of files) await writeFile(f, 'v3 (application)')
      // The next, unrelated transaction on the same journal recovers the old one first.
      const other = join(dir, 'other.txt')
      const stats = await writeTransaction((tx) => tx.writeFile(other, 'other'))
      expect(stats.recovered.rolledForward).toBe(1)
      for (const f of files) expect(readFileSync(f, 'utf8')).toBe('v3 (application)')
      // The files not yet renamed are conflicts; the transaction's content is kept for inspection.
      expect(stats.recovered.conflicts.map((c) => c.path).sort()).toEqual(files.slice(failing - 1))
      for (const c of stats.recovered.conflicts)
        expect(readFileSync(c.kept!, 'utf8')).toBe('v2 (transaction)')
      expect(tempFilesIn(dir)).toEqual([])
      reportFigure(
        'I7 stale roll-forwards refused (files written again kept)',
        stats.recovered.conflicts.length,
      )
    },
  )

  it('a rename that fails once is completed by the transaction itself', async () => {
    const dir = tempDir()
    const files = ['a.txt', 'b.txt', 'c.txt'].map((n) => join(dir, n))
    for (const f of files) writeFileSync(f, 'v1')
    const fs = faultyFs(nodeFs(), { failAt: 2, code: 'EIO', only: (c) => c.method === 'rename' })
    const stats = await writeTransaction(
      (tx) => {
        for (const f of files) tx.writeFile(f, 'v2')
      },
      { fs, concurrency: 1 },
    )
    expect(fs.injected).toHaveLength(1)
    expect(stats.files).toHaveLength(3)
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe('v2')
    expect(manifestsIn(join(dir, '.durable-write'))).toEqual([])
    expect(tempFilesIn(dir)).toEqual([])
  })
})

describe('recovery syncs every directory of the transaction before it removes the manifest', () => {
  it('syncs directories whose renames the interrupted writer had already done', async () => {
    const root = tempDir()
    // Every rename went through; only the directory syncs after them failed (never retried by the call).
    const out = join(root, 'out')
    const paths = GROUPS.map((g) => join(out, g, 'x.txt'))
    for (const p of paths) {
      mkdirSync(dirname(p), { recursive: true })
      writeFileSync(p, 'old')
    }
    let renames = 0
    const fs = faultyFs(nodeFs(), {
      failAt: 1,
      code: 'EIO',
      sticky: true,
      only: (c) => {
        if (c.method === 'rename') renames++
        return c.method === 'fsync' && renames === paths.length
      },
    })
    const err = await errorOf(() =>
      batchWrite(
        paths.map((p) => ({ path: p, data: 'new' })),
        { fs },
      ),
    )
    expect(err.code).toBe('ERR_TXN_INCOMPLETE')
    const journal = join(out, '.durable-write')
    const [manifest] = manifestsIn(journal)
    expect(manifest).toBeDefined()
    const rec = recordingFs(nodeFs())
    await recover(out, { fs: rec })
    const unlinked = rec.trace.findIndex((e) => e.method === 'unlink' && e.path === join(journal, manifest!))
    expect(unlinked).toBeGreaterThan(0)
    for (const dir of GROUPS.map((g) => join(out, g))) {
      const synced = rec.trace.findIndex((e) => e.method === 'fsync' && e.path === dir)
      expect(synced, dir).toBeGreaterThanOrEqual(0)
      expect(synced, dir).toBeLessThan(unlinked)
    }
  })
})
