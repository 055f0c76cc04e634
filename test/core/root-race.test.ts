import { writeFileSync as fsWriteFileSync, mkdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, nodeFs } from '../../src/index.js'
import { interceptFs } from '../helpers/fault-fs.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

/** base/root/sub -> root/real (holding file.txt) and base/outside/file.txt (the victim). */
function tree() {
  const base = tempDir('dw-race-')
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(join(root, 'real'), { recursive: true })
  mkdirSync(outside)
  symlinkSync(join(root, 'real'), join(root, 'sub'))
  fsWriteFileSync(join(root, 'real', 'file.txt'), 'inside')
  fsWriteFileSync(join(outside, 'file.txt'), 'victim')
  const point = (to: 'inside' | 'outside') => {
    symlinkSync(to === 'inside' ? join(root, 'real') : outside, join(root, 'sub.next'))
    renameSync(join(root, 'sub.next'), join(root, 'sub'))
  }
  return { base, root, outside, point }
}

type Step = { method: 'open' | 'realpath' | 'rename'; to: 'inside' | 'outside' }

/**
 * A writer whose fs repoints root/sub (atomically, as an attacker would) just before each scheduled
 * call: `open` and `rename` of the temp, `realpath` of root/sub after the temp exists.
 */
function attacked(d: ReturnType<typeof tree>, schedule: Step[], root = true) {
  const pending = [...schedule]
  let temp = false
  const fs = interceptFs(nodeFs(), (call, proceed) => {
    const next = pending[0]
    const onTemp = call.path?.endsWith('.dwtmp') === true
    const hit =
      next !== undefined &&
      call.method === next.method &&
      (next.method === 'realpath' ? temp && call.path === join(d.root, 'sub') : onTemp)
    if (hit) {
      pending.shift()
      d.point(next.to)
    }
    if (call.method === 'open' && onTemp) temp = true
    return proceed()
  })
  return new AtomicWriter(root ? { fs, root: d.root } : { fs })
}

const target = (d: ReturnType<typeof tree>) => join(d.root, 'sub', 'file.txt')

describe('root: a directory of the path repointed outside during the write', () => {
  it('fails with ERR_OUTSIDE_ROOT and removes its temp when the directory still points outside at the rename', async () => {
    const d = tree()
    const w = attacked(d, [{ method: 'open', to: 'outside' }])
    const err = await w.writeFile(target(d), 'pwned').catch((e: unknown) => e)
    expect((err as { code?: string }).code).toBe('ERR_OUTSIDE_ROOT')
    expect(readFileSync(join(d.outside, 'file.txt'), 'utf8')).toBe('victim')
    expect(Object.keys(snapshot(d.outside))).toEqual(['file.txt'])
  })

  it('makes no check without root: the same swap redirects an unconfined write', async () => {
    const d = tree()
    await attacked(d, [{ method: 'open', to: 'outside' }], false).writeFile(target(d), 'unconfined')
    expect(readFileSync(join(d.outside, 'file.txt'), 'utf8')).toBe('unconfined')
  })

  it('cannot stop an attacker who repoints it between the last check and the rename (the window the FAQ states)', async () => {
    const d = tree()
    const w = attacked(d, [
      { method: 'open', to: 'outside' },
      { method: 'realpath', to: 'inside' },
      { method: 'rename', to: 'outside' },
    ])
    await w.writeFile(target(d), 'redirected')
    // Node offers no openat2(RESOLVE_BENEATH) nor renameat on a directory descriptor to pin the directory.
    expect(readFileSync(join(d.outside, 'file.txt'), 'utf8')).toBe('redirected')
    expect(readFileSync(join(d.root, 'real', 'file.txt'), 'utf8')).toBe('inside')
  })
})

describe('root: no cost when unset', () => {
  it('issues no realpath for reads, writes, locks, updates and edits unless root is set', async () => {
    const d = tree()
    const calls: string[] = []
    const fs = interceptFs(nodeFs(), (call, proceed) => {
      calls.push(call.method)
      return proceed()
    })
    const file = join(d.root, 'real', 'file.txt')
    const run = async (w: AtomicWriter) => {
      await w.readVersioned(file)
      await w.writeFile(file, 'a', { lock: true })
      await w.update(file, () => 'b')
      await w.withLock(file, () => undefined)
      await w.multiEdit(file, [{ oldString: 'b', newString: 'c' }])
    }
    await run(new AtomicWriter({ fs }))
    expect(calls.filter((m) => m === 'realpath')).toEqual([])
    await run(new AtomicWriter({ fs, root: d.root }))
    expect(calls.filter((m) => m === 'realpath').length).toBeGreaterThan(0)
  })
})
