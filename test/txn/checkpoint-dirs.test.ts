import {
  existsSync,
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readFileSync,
  renameSync,
  symlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, checkpoint } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

/** A root with `a.txt` ('a') and, beside it, a directory outside the root. */
function setup() {
  const base = tempDir()
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(root)
  mkdirSync(join(outside, 'checkpoints'), { recursive: true })
  nodeWriteFileSync(join(outside, 'checkpoints', 'keep-me'), 'not yours')
  const a = join(root, 'a.txt')
  nodeWriteFileSync(a, 'a')
  return { base, root, outside, a, before: snapshot(outside) }
}

describe('checkpoint directories', () => {
  it.each([
    [
      '.durable-write',
      (s: ReturnType<typeof setup>) => symlinkSync(s.outside, join(s.root, '.durable-write')),
    ],
    [
      '.durable-write/checkpoints',
      (s: ReturnType<typeof setup>) => {
        mkdirSync(join(s.root, '.durable-write'))
        symlinkSync(join(s.outside, 'checkpoints'), join(s.root, '.durable-write', 'checkpoints'))
      },
    ],
  ])('refuses a symlinked %s with ERR_JOURNAL_CORRUPT, touching nothing outside', async (where, plant) => {
    const s = setup()
    plant(s)
    const err = await errorOf(() => checkpoint([s.a]))
    expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
    expect(err.path).toBe(join(s.root, where))
    expect(err.message).toMatch(/Remove the link/)
    expect(snapshot(s.outside)).toEqual(s.before)
    expect(readFileSync(s.a, 'utf8')).toBe('a')
  })

  it('never removes or reads through a checkpoint directory replaced by a symlink', async () => {
    const s = setup()
    const cp = await checkpoint([s.a])
    // Someone swaps the checkpoint's directory for a link to files that are not the library's.
    renameSync(cp.dir, join(s.base, 'moved'))
    symlinkSync(join(s.outside, 'checkpoints'), cp.dir)
    nodeWriteFileSync(s.a, 'changed')
    expect((await errorOf(() => cp.discard())).code).toBe('ERR_JOURNAL_CORRUPT')
    expect((await errorOf(() => cp.restore())).code).toBe('ERR_JOURNAL_CORRUPT')
    expect(snapshot(s.outside)).toEqual(s.before)
    expect(readFileSync(s.a, 'utf8')).toBe('changed')
  })

  it('fails with ERR_OUTSIDE_ROOT for a dir outside the root, creating nothing', async () => {
    const s = setup()
    const rootBefore = snapshot(s.root)
    const writer = new AtomicWriter({ root: s.root })
    for (const dir of [join(s.outside, 'cps'), join(s.root, '..', 'outside', 'cps')]) {
      const err = await errorOf(() => writer.checkpoint([s.a], { dir }))
      expect(err.code).toBe('ERR_OUTSIDE_ROOT')
      expect(err.message).toContain('`options.dir`')
    }
    symlinkSync(s.outside, join(s.root, 'escape'))
    const err = await errorOf(() => writer.checkpoint([s.a], { dir: join(s.root, 'escape', 'cps') }))
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(existsSync(join(s.outside, 'cps'))).toBe(false)
    expect(snapshot(s.outside)).toEqual(s.before)
    expect(snapshot(s.root)).toEqual({ ...rootBefore, escape: `link ${s.outside}` })
  })

  it('fails with ERR_OUTSIDE_ROOT for a path outside the root, reading and creating nothing', async () => {
    const s = setup()
    const secret = join(s.outside, 'secret.txt')
    nodeWriteFileSync(secret, 'secret')
    const writer = new AtomicWriter({ root: s.root })
    const err = await errorOf(() => writer.checkpoint([s.a, secret]))
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(existsSync(join(s.root, '.durable-write'))).toBe(false)
    expect(existsSync(join(s.base, '.durable-write'))).toBe(false)
  })

  it('captures into a dir inside the root', async () => {
    const s = setup()
    const writer = new AtomicWriter({ root: s.root })
    const cp = await writer.checkpoint([s.a], { dir: join(s.root, 'cps') })
    nodeWriteFileSync(s.a, 'changed')
    await cp.restore()
    expect(readFileSync(s.a, 'utf8')).toBe('a')
    await cp.discard()
    expect(existsSync(cp.dir)).toBe(false)
  })
})
