import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isTempName } from '../../src/core/temp-file.js'
import { AtomicWriter, nodeFs } from '../../src/index.js'
import { interceptFs } from '../helpers/fault-fs.js'
import { tempDir } from '../helpers/tmp.js'

/** Every path below `dir`, recursively (symlinks not followed). */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort()
}

describe('temp files', () => {
  it('never follow a symlink planted at the temp name: the open fails with EEXIST and a new name is drawn', async () => {
    const dir = tempDir()
    const victim = join(dir, 'victim.txt')
    writeFileSync(victim, 'secret\n')
    const planted: string[] = []
    // An attacker who guessed the name: a symlink appears at the temp path just before it is opened.
    const fs = interceptFs(nodeFs(), (call, proceed) => {
      if (call.method === 'open' && call.path?.endsWith('.dwtmp') && planted.length === 0) {
        symlinkSync(victim, call.path)
        planted.push(call.path)
      }
      return proceed()
    })
    const stats = await new AtomicWriter({ fs }).writeFile(join(dir, 'target.txt'), 'data\n')
    expect(readFileSync(victim, 'utf8')).toBe('secret\n')
    expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('data\n')
    expect(lstatSync(planted[0]!).isSymbolicLink()).toBe(true)
    expect(stats.changed).toBe(true)
  })

  it('are hidden, beside the target, and never readable by anyone the finished file is not readable by', async () => {
    const dir = tempDir()
    // An existing 0600 file, a new file with mode 0o640, a new file with the default mode.
    const secret = join(dir, 'secret.txt')
    writeFileSync(secret, 'old')
    chmodSync(secret, 0o600)
    const cases = [
      { target: secret, options: {} },
      { target: join(dir, 'group.txt'), options: { mode: 0o640 } },
      { target: join(dir, 'plain.txt'), options: {} },
    ]
    for (const { target, options } of cases) {
      const seen: { mode: number; size: number; path: string }[] = []
      await new AtomicWriter().writeFile(target, 'x'.repeat(1000), {
        ...options,
        onTempFile: (temp) => {
          const st = statSync(temp)
          seen.push({ mode: st.mode & 0o777, size: st.size, path: temp })
        },
      })
      expect(seen).toHaveLength(1)
      const final = statSync(target).mode & 0o777
      // No permission bit the finished file lacks, while its content is being written.
      expect(seen[0]!.mode & ~final).toBe(0)
      expect(seen[0]!.size).toBe(0)
      expect(dirname(seen[0]!.path)).toBe(dir)
      expect(basename(seen[0]!.path).startsWith('.')).toBe(true)
      expect(isTempName(basename(seen[0]!.path))).toBe(true)
    }
    expect(statSync(secret).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'group.txt')).mode & 0o777).toBe(0o640)
  })

  it('have unpredictable names: 2,000 temp names share no random part', async () => {
    const dir = tempDir()
    const names = new Set<string>()
    const writer = new AtomicWriter({ durability: 'fast' })
    for (let i = 0; i < 2000; i++) {
      writer.writeFileSync(join(dir, 'a.txt'), String(i), {
        onTempFile: (t) => void names.add(basename(t).split('.').at(-3)!),
      })
    }
    expect(names.size).toBe(2000)
    for (const n of names) expect(n).toMatch(/^[0-9a-f]{16}$/)
  })
})

describe('root confinement', () => {
  it('catches a directory swapped for an outside symlink while the temp is written (test/core/root-race.test.ts pins the window left)', async () => {
    // The directory is checked again right before the rename: the write fails and its temp, made
    // outside through the swapped directory, is removed. A swap after that check still redirects the
    // write (README FAQ).
    const base = tempDir()
    const root = join(base, 'root')
    const outside = join(base, 'outside')
    mkdirSync(join(root, 'sub'), { recursive: true })
    mkdirSync(outside)
    let swapped = false
    const fs = interceptFs(nodeFs(), (call, proceed) => {
      if (!swapped && call.method === 'open' && call.path?.endsWith('.dwtmp')) {
        swapped = true
        renameSync(join(root, 'sub'), join(base, 'moved'))
        symlinkSync(outside, join(root, 'sub'))
      }
      return proceed()
    })
    const err = await new AtomicWriter({ fs, root })
      .writeFile(join(root, 'sub', 'f.txt'), 'x')
      .catch((e) => e)
    expect((err as { code?: string }).code).toBe('ERR_OUTSIDE_ROOT')
    expect(readdirSync(outside)).toEqual([])
  })
})

describe('locks, journals, backups and checkpoints', () => {
  it('are never written outside the tree of their targets', async () => {
    const base = tempDir()
    const tree0 = join(base, 'project')
    mkdirSync(join(tree0, 'a'), { recursive: true })
    mkdirSync(join(tree0, 'b'))
    writeFileSync(join(base, 'sibling.txt'), 'untouched\n')
    const w = new AtomicWriter()
    await w.writeFile(join(tree0, 'a', 'x.txt'), '1', { lock: true, backup: true })
    await w.writeFile(join(tree0, 'a', 'x.txt'), '2', { lock: true, backup: true })
    await w.updateJson(join(tree0, 'b', 'c.json'), () => ({ n: 1 }))
    await w.writeTransaction((tx) => {
      tx.writeFile(join(tree0, 'a', 'y.txt'), 'y')
      tx.writeFile(join(tree0, 'b', 'z.txt'), 'z')
    })
    const cp = await w.checkpoint([join(tree0, 'a', 'x.txt')])
    await cp.restore()
    await w.recover(tree0)
    expect(readdirSync(base).sort()).toEqual(['project', 'sibling.txt'])
    const inside = tree(tree0)
    // Backups keep a/.durable-write; the transaction's journal goes once recovery leaves it empty.
    expect(inside).toContain(join('a', '.durable-write'))
    expect(inside.filter((p) => p.endsWith('.lock') || p.endsWith('.lock.owner'))).toEqual([])
  })
})
