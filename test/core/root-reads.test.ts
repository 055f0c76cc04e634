import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, OutsideRootError } from '../../src/index.js'
import {
  escapes,
  everythingIn,
  type RootDirs,
  rootAndSecret,
  rootApis,
  SECRET,
} from '../helpers/root-escapes.js'
import { snapshot } from '../helpers/tmp.js'

/** Runs `fn`, sync or async, and returns what it threw. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected the call to fail')
}

const forms = [
  {
    form: 'AtomicWriter({ root })',
    writer: (d: RootDirs) => new AtomicWriter({ root: d.root }),
    perCall: false,
  },
  { form: 'the per-call root option', writer: () => new AtomicWriter(), perCall: true },
] as const

describe.each(rootApis)('$name: root confines every access', (api) => {
  const applicable = forms.filter((f) => !f.perCall || api.perCall)
  describe.each(applicable)('through $form', ({ writer, perCall }) => {
    it.each(escapes)(
      'refuses %s with ERR_OUTSIDE_ROOT before any lock, directory or read',
      async (_, make) => {
        const d = rootAndSecret()
        const path = make(d)
        const before = snapshot(d.base)
        const seen: unknown[] = []
        const err = await failure(() =>
          api.run(writer(d), path, perCall ? { root: d.root } : {}, (v) => seen.push(v)),
        )
        const outside = (err as { results?: PromiseSettledResult<unknown>[] }).results
        const cause = outside?.[0]?.status === 'rejected' ? outside[0].reason : err
        expect(cause).toBeInstanceOf(OutsideRootError)
        expect((cause as OutsideRootError).code).toBe('ERR_OUTSIDE_ROOT')
        expect((cause as OutsideRootError).root).toBe(d.root)
        expect(seen, 'the callback must never run').toEqual([])
        expect(everythingIn(err)).not.toContain(SECRET)
        expect(snapshot(d.base)).toEqual(before)
      },
    )
  })
})

describe('root: inside paths still work for reads', () => {
  it('reads a file inside the root, through a symlink that stays inside, with either form', async () => {
    const d = rootAndSecret()
    const w = new AtomicWriter({ root: d.root })
    const inside = join(d.root, 'inside.json')
    expect((await w.readJson(inside)).value).toEqual({ inside: true })
    expect(new AtomicWriter().readVersionedSync(inside, { root: d.root, encoding: 'utf8' }).content).toBe(
      readFileSync(inside, 'utf8'),
    )
    let seen: unknown
    await w.update(inside, (t) => {
      seen = t
      return '{"inside": false}\n'
    })
    expect(seen).toBe('{"inside": true}\n')
    await w.withLock(inside, () => undefined)
    const tx = await w.writeTransaction(async (t) => t.read(inside, { encoding: 'utf8' }))
    expect(tx.result).toBe('{"inside": false}\n')
  })

  it('names the path and the root in the message, and never the content', async () => {
    const d = rootAndSecret()
    const path = join(d.outside, 'secret.json')
    const err = (await failure(() => new AtomicWriter({ root: d.root }).readVersioned(path))) as Error
    expect(err.message).toContain(path)
    expect(err.message).toContain(d.root)
    expect(err.message).not.toContain(SECRET)
  })
})
