import { readFileSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, OutsideRootError } from '../../src/index.js'
import { everythingIn, rootAndSecret, SECRET } from '../helpers/root-escapes.js'
import { snapshot } from '../helpers/tmp.js'

async function failure(fn: () => unknown): Promise<Error & { code?: string; results?: unknown[] }> {
  try {
    await fn()
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error('expected the call to fail')
}

describe('root: many files, checkpoints and recovery', () => {
  it('commits nothing, and makes no journal, when one file of a transaction lies outside', async () => {
    const d = rootAndSecret()
    symlinkSync(join(d.outside, 'secret.json'), join(d.root, 'escape-link'))
    const before = snapshot(d.base)
    const err = await failure(() =>
      new AtomicWriter({ root: d.root }).writeTransaction((tx) => {
        tx.writeFile(join(d.root, 'inside.json'), 'changed')
        tx.writeFile(join(d.root, 'escape-link'), 'pwned')
      }),
    )
    expect(err).toBeInstanceOf(OutsideRootError)
    expect(snapshot(d.base)).toEqual(before)
  })

  it('writes the inside entries of an independent batch and refuses the outside one', async () => {
    const d = rootAndSecret()
    const err = await failure(() =>
      new AtomicWriter().batchWrite(
        [
          { path: join(d.root, 'ok.txt'), data: 'ok' },
          { path: join(d.outside, 'secret.json'), data: 'pwned' },
        ],
        { atomic: false, root: d.root },
      ),
    )
    expect(err.code).toBe('ERR_BATCH_PARTIAL')
    const [ok, outside] = err.results as PromiseSettledResult<unknown>[]
    expect(ok!.status).toBe('fulfilled')
    expect(outside?.status === 'rejected' && (outside.reason as { code: string }).code).toBe(
      'ERR_OUTSIDE_ROOT',
    )
    expect(readFileSync(join(d.root, 'ok.txt'), 'utf8')).toBe('ok')
    expect(readFileSync(join(d.outside, 'secret.json'), 'utf8')).toContain(SECRET)
  })

  it('refuses a journalDir that is a symlink pointing outside, as a library directory', async () => {
    const d = rootAndSecret()
    symlinkSync(d.outside, join(d.root, 'journal-link'))
    const before = snapshot(d.base)
    const err = await failure(() =>
      new AtomicWriter({ root: d.root }).writeTransaction((tx) => tx.writeFile(join(d.root, 'a'), 'a'), {
        journalDir: join(d.root, 'journal-link'),
      }),
    )
    expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
    expect(snapshot(d.base)).toEqual(before)
  })

  it('restore refuses to write through a symlink planted in place of a captured file', async () => {
    const d = rootAndSecret()
    const w = new AtomicWriter({ root: d.root })
    const inside = join(d.root, 'inside.json')
    const cp = await w.checkpoint([inside])
    rmSync(inside)
    symlinkSync(join(d.outside, 'secret.json'), inside)
    const before = snapshot(d.base)
    const err = await failure(() => cp.restore())
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(everythingIn(err)).not.toContain(SECRET)
    expect(snapshot(d.base)).toEqual(before)
  })

  it('restores inside the root as usual', async () => {
    const d = rootAndSecret()
    const w = new AtomicWriter({ root: d.root })
    const inside = join(d.root, 'inside.json')
    const cp = await w.checkpoint([inside])
    await w.writeFile(inside, 'changed')
    await cp.restore()
    expect(readFileSync(inside, 'utf8')).toBe('{"inside": true}\n')
  })

  const recoverEscapes: [string, (d: ReturnType<typeof rootAndSecret>) => string][] = [
    ['an outside directory', (d) => d.outside],
    ['a `..` escape', (d) => `${d.root}/../outside`],
    [
      'a symlinked directory pointing outside',
      (d) => {
        symlinkSync(d.outside, join(d.root, 'escape-dir'))
        return join(d.root, 'escape-dir')
      },
    ],
  ]

  it.each(recoverEscapes)('recover refuses %s with ERR_OUTSIDE_ROOT', async (_, make) => {
    const d = rootAndSecret()
    const dir = make(d)
    const before = snapshot(d.base)
    expect((await failure(() => new AtomicWriter({ root: d.root }).recover(dir))).code).toBe(
      'ERR_OUTSIDE_ROOT',
    )
    expect((await failure(() => new AtomicWriter().recover(dir, { root: d.root }))).code).toBe(
      'ERR_OUTSIDE_ROOT',
    )
    expect(snapshot(d.base)).toEqual(before)
  })

  it('recovers a directory reached through a symlink that stays inside the root', async () => {
    const d = rootAndSecret()
    symlinkSync(d.root, join(d.root, 'self'))
    const report = await new AtomicWriter({ root: d.root }).recover(join(d.root, 'self'))
    expect(report.rolledBack + report.rolledForward).toBe(0)
  })
})
