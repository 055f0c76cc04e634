import { existsSync, mkdirSync, writeFileSync as nodeWriteFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeFs, recover, writeTransaction } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { faultyFs } from '../helpers/fault-fs.js'
import { openFdCount, tempDir, tempFilesIn } from '../helpers/tmp.js'

const codes = ['EIO', 'ENOSPC', 'EACCES', 'EMFILE', 'EBUSY']

interface Scene {
  dir: string
  /** Path → content before (undefined: absent). */
  old: Map<string, string | undefined>
  /** Path → content after the transaction (undefined: removed). */
  next: Map<string, string | undefined>
}

/**
 * A fresh directory (no journal yet) for a transaction that rewrites a.txt and sub/b.txt, creates
 * c.txt in a directory that does not exist yet, and removes gone.txt.
 */
function scene(root: string, run: string): Scene {
  const dir = join(root, run)
  mkdirSync(join(dir, 'sub'), { recursive: true })
  const a = join(dir, 'a.txt')
  const b = join(dir, 'sub', 'b.txt')
  const c = join(dir, 'new', 'c.txt')
  const gone = join(dir, 'gone.txt')
  nodeWriteFileSync(a, 'old a')
  nodeWriteFileSync(b, 'old b')
  nodeWriteFileSync(gone, 'old gone')
  return {
    dir,
    old: new Map([
      [a, 'old a'],
      [b, 'old b'],
      [c, undefined],
      [gone, 'old gone'],
    ]),
    next: new Map([
      [a, 'new a, longer than before'],
      [b, 'new b'],
      [c, 'new c'],
      [gone, undefined],
    ]),
  }
}

function current(s: Scene): Map<string, string | undefined> {
  return new Map([...s.old.keys()].map((p) => [p, existsSync(p) ? readFileSync(p, 'utf8') : undefined]))
}

function manifests(dir: string): string[] {
  const journal = join(dir, '.durable-write')
  return existsSync(journal) ? readdirSync(journal).filter((n) => n.endsWith('.manifest')) : []
}

function commit(s: Scene, fs: ReturnType<typeof faultyFs>) {
  return writeTransaction(
    (tx) => {
      for (const [path, content] of s.next) {
        if (content === undefined) tx.remove(path)
        else tx.writeFile(path, content)
      }
    },
    { fs },
  )
}

/** Asserts the scene is entirely in its old or entirely in its new state; returns which. */
function oneSide(s: Scene): 'old' | 'new' {
  const now = current(s)
  if ([...now].every(([p, c]) => s.next.get(p) === c)) return 'new'
  expect(now).toEqual(s.old)
  return 'old'
}

describe('a 3-file transaction with one injected fault', () => {
  it.each(codes)(
    'fails with %s at every system call and, after recover, holds all old or all new content',
    async (code) => {
      const root = tempDir()
      const seen = { old: 0, new: 0, committedThenFailed: 0, absorbed: 0 }
      for (let failAt = 1; ; failAt++) {
        const s = scene(root, String(failAt))
        const fs = faultyFs(nodeFs(), { failAt, code })
        const fds = openFdCount()
        let error: unknown
        try {
          await commit(s, fs)
        } catch (err) {
          error = err
        }
        if (fs.injected.length === 0) {
          // The fault was never reached: every call of the transaction was covered.
          expect(error).toBeUndefined()
          expect(oneSide(s)).toBe('new')
          expect(failAt).toBeGreaterThan(20)
          break
        }
        const where = `${fs.injected[0]!.call.method} #${failAt}`
        if (error === undefined) {
          // A failed rename or removal after the commit point is completed from the transaction's own manifest.
          expect(['rename', 'unlink', 'readFile', 'lstat', 'readdir'], where).toContain(
            fs.injected[0]!.call.method,
          )
          expect(oneSide(s), where).toBe('new')
          seen.absorbed++
          continue
        }
        if ((error as { code?: string }).code === 'ERR_TXN_INCOMPLETE') {
          expect((error as Error).cause, where).toBe(fs.injected[0]!.error)
          expect(manifests(s.dir).length, where).toBe(1)
        } else {
          expect(error, where).toBe(fs.injected[0]!.error)
        }
        expect(openFdCount(), where).toBe(fds)
        expect(existsSync(join(s.dir, '.durable-write.lock')), where).toBe(false)

        const committed = manifests(s.dir).length > 0
        if (!committed) {
          // Failed before the commit point: the transaction cleaned up by itself.
          expect(tempFilesIn(s.dir), where).toEqual([])
          expect(oneSide(s), where).toBe('old')
        }
        const report = await recover(s.dir)
        expect(report.rolledForward, where).toBe(committed ? 1 : 0)
        expect(report.rolledBack, where).toBe(0)
        const side = oneSide(s)
        if (committed) {
          expect(side, where).toBe('new')
          seen.committedThenFailed++
        }
        seen[side]++
        expect(tempFilesIn(s.dir), where).toEqual([])
        expect(manifests(s.dir), where).toEqual([])
        expect(openFdCount(), where).toBe(fds)
      }
      // Faults landed both before and after the commit point.
      expect(seen.old).toBeGreaterThan(10)
      expect(seen.committedThenFailed).toBeGreaterThan(0)
      expect(seen.absorbed).toBeGreaterThan(2)
    },
  )
})

describe('recover with one injected fault', () => {
  it('can be run again after failing at any system call, and then completes the transaction', async () => {
    const root = tempDir()
    for (let failAt = 1; ; failAt++) {
      const s = scene(root, String(failAt))
      // Leave a committed transaction behind: every rename and unlink fails from the first one on.
      const stuck = faultyFs(nodeFs(), {
        failAt: 1,
        code: 'EIO',
        sticky: true,
        only: (c) => c.method === 'rename' || c.method === 'unlink',
      })
      await expect(commit(s, stuck)).rejects.toMatchObject({
        code: 'ERR_TXN_INCOMPLETE',
        cause: { code: 'EIO' },
      })
      expect(manifests(s.dir)).toHaveLength(1)

      const fs = faultyFs(nodeFs(), { failAt, code: 'EIO' })
      const fds = openFdCount()
      const error = await recover(s.dir, { fs }).then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(openFdCount()).toBe(fds)
      if (fs.injected.length === 0) {
        expect(error).toBeUndefined()
        expect(oneSide(s)).toBe('new')
        expect(failAt).toBeGreaterThan(5)
        break
      }
      expect(error).toBe(fs.injected[0]!.error)
      const report = await recover(s.dir)
      expect(report.rolledBack).toBe(0)
      expect(oneSide(s)).toBe('new')
      expect(tempFilesIn(s.dir)).toEqual([])
      expect(manifests(s.dir)).toEqual([])
    }
  })
})

describe('a transaction on a device that stays broken', () => {
  it('fails at every call from then on, and recover still restores one side', async () => {
    const root = tempDir()
    for (let failAt = 1; ; failAt++) {
      const s = scene(root, String(failAt))
      const fs = faultyFs(nodeFs(), { failAt, code: 'EIO', sticky: true })
      const fds = openFdCount()
      const err = await errorOf(() => commit(s, fs)).catch(() => undefined)
      if (fs.injected.length === 0) {
        expect(err).toBeUndefined()
        break
      }
      // Sequences run in parallel: the error is the first failure in the order of the files.
      if (err === undefined) {
        // Only housekeeping after a complete, durable transaction failed: the removal of its manifest
        // (recovery removes it later) or the sweep of dead writers' temps (the next one tries again).
        expect(['unlink', 'readdir']).toContain(fs.injected[0]!.call.method)
        expect(oneSide(s)).toBe('new')
      } else {
        const surfaced = err.code === 'ERR_TXN_INCOMPLETE' ? err.cause : err
        expect(fs.injected.map((f) => f.error)).toContain(surfaced)
      }
      expect(openFdCount()).toBe(fds)
      await recover(s.dir)
      oneSide(s)
      expect(tempFilesIn(s.dir)).toEqual([])
      expect(manifests(s.dir)).toEqual([])
    }
  })
})
