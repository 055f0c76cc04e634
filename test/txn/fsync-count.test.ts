import { mkdirSync, writeFileSync as nodeWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { batchWrite, nodeFs, type OpCounts, writeTransaction } from '../../src/index.js'
import { recordingFs } from '../helpers/fault-fs.js'
import { tempDir } from '../helpers/tmp.js'
import { countOf, isSync, type Trace } from '../helpers/trace.js'

interface Committer {
  name: string
  commit(files: readonly string[], data: string, fs?: ReturnType<typeof recordingFs>): Promise<OpCounts>
}

const committers: Committer[] = [
  {
    name: 'writeTransaction',
    async commit(files, data, fs) {
      const stats = await writeTransaction(
        (tx) => {
          for (const f of files) tx.writeFile(f, data)
        },
        fs ? { fs } : undefined,
      )
      return stats.ops
    },
  },
  {
    name: 'batchWrite (atomic)',
    async commit(files, data, fs) {
      const stats = await batchWrite(
        files.map((path) => ({ path, data })),
        fs ? { fs } : undefined,
      )
      return stats.ops
    },
  },
]

/** N existing files spread over D existing directories below a fresh root; the journal already exists. */
async function layout(
  committer: Committer,
  n: number,
  d: number,
): Promise<{ root: string; files: string[] }> {
  const root = tempDir()
  const dirs = Array.from({ length: d }, (_, i) => join(root, `dir${i}`))
  for (const dir of dirs) mkdirSync(dir)
  const files = Array.from({ length: n }, (_, i) => join(dirs[i % d]!, `file${i}.txt`))
  for (const f of files) nodeWriteFileSync(f, 'old')
  // A first commit creates the journal directory in the common parent.
  await committer.commit(files, 'first')
  return { root, files }
}

const shapes: [n: number, d: number][] = [
  [1, 1],
  [3, 1],
  [4, 2],
  [6, 3],
  [5, 5],
]

/** The fsync/fdatasync calls on one path. */
function syncsOf(trace: Trace, path: string): number {
  return countOf(trace, (e) => isSync(e) && e.path === path)
}

describe.each(committers)('$name in durable mode', (committer) => {
  it.each(shapes)('syncs exactly N + 2D + 2 times for N = %i files in D = %i directories', async (n, d) => {
    const { root, files } = await layout(committer, n, d)
    const fs = recordingFs(nodeFs())
    const ops = await committer.commit(files, 'second', fs)
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe('second')

    const expected = n + 2 * d + 2
    expect(ops.fsyncs + ops.dirFsyncs).toBe(expected)
    expect(ops.dirFsyncs).toBe(2 * d + 1)
    expect(ops.fsyncs).toBe(n + 1)
    expect(ops.renames).toBe(n)

    // The same count on the fs seam, and where each sync went.
    expect(countOf(fs.trace, isSync)).toBe(expected)
    // The journal lives in the deepest common parent: the only directory when D = 1.
    const journal = join(d === 1 ? join(root, 'dir0') : root, '.durable-write')
    expect(syncsOf(fs.trace, journal)).toBe(1)
    for (let i = 0; i < d; i++) expect(syncsOf(fs.trace, join(root, `dir${i}`))).toBe(2)
    const manifestSyncs = countOf(fs.trace, (e) => isSync(e) && /\.manifest$/.test(e.path ?? ''))
    expect(manifestSyncs).toBe(1)
    const tempSyncs = countOf(fs.trace, (e) => isSync(e) && /\.dwtmp$/.test(e.path ?? ''))
    expect(tempSyncs).toBe(n)
  })

  it('makes no sync at all in fast mode', async () => {
    const { files } = await layout(committer, 3, 2)
    const fs = recordingFs(nodeFs())
    const stats =
      committer.name === 'writeTransaction'
        ? await writeTransaction(
            (tx) => {
              for (const f of files) tx.writeFile(f, 'fast')
            },
            { fs, durability: 'fast' },
          )
        : await batchWrite(
            files.map((path) => ({ path, data: 'fast' })),
            { fs, durability: 'fast' },
          )
    expect(stats.ops.fsyncs + stats.ops.dirFsyncs).toBe(0)
    expect(countOf(fs.trace, isSync)).toBe(0)
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe('fast')
  })
})
