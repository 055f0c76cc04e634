import {
  existsSync,
  writeFileSync as fsWriteFileSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nodeFs } from '../../src/fs/node-fs.js'
import { faultyFs, interceptFs } from '../helpers/fault-fs.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

const OLD = 'name = "old"\nport = 80\n'
const NEW = 'name = "new"\nport = 8080\n'
const EDITS = [
  { oldString: '"old"', newString: '"new"' },
  { oldString: 'port = 80', newString: 'port = 8080' },
]

describe.each(apis)('$name: I/O', (api) => {
  it('leaves the old or the new content, never anything else, whichever system call fails', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.toml')
    fsWriteFileSync(file, OLD)
    const methods: string[] = []
    const probe = interceptFs(nodeFs(), (call, proceed) => {
      methods.push(call.method)
      return proceed()
    })
    await api.edit(file, EDITS, { fs: probe })
    const total = methods.length
    expect(total).toBeGreaterThan(4)
    for (let failAt = 1; failAt <= total; failAt++) {
      fsWriteFileSync(file, OLD)
      const fs = faultyFs(nodeFs(), { failAt, code: 'EIO' })
      if (methods[failAt - 1] === 'readdir') {
        // Only the sweep of dead temps after the commit absorbs a fault: the edit is complete.
        await api.call(file, EDITS, { fs })
        expect(fs.injected).toHaveLength(1)
        expect(readFileSync(file, 'utf8')).toBe(NEW)
        continue
      }
      const err = await failureOf(api, () => api.call(file, EDITS, { fs }))
      expect(err).toBe(fs.injected[0]?.error)
      expect([OLD, NEW]).toContain(readFileSync(file, 'utf8'))
      expect(tempFilesIn(dir)).toEqual([])
    }
  })

  it('edits through a symlink and keeps the link', async () => {
    const dir = tempDir()
    const real = join(dir, 'real.txt')
    const link = join(dir, 'link.txt')
    fsWriteFileSync(real, OLD)
    symlinkSync('real.txt', link)
    const result = await api.edit(link, EDITS)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe('real.txt')
    expect(readFileSync(real, 'utf8')).toBe(NEW)
    expect(result.path).toBe(real)
  })

  it('accepts a file URL', async () => {
    const dir = tempDir()
    const file = join(dir, 'u.txt')
    fsWriteFileSync(file, OLD)
    await api.edit(pathToFileURL(file), EDITS)
    expect(readFileSync(file, 'utf8')).toBe(NEW)
  })

  it('refuses a path outside root without reading it', async () => {
    const root = tempDir()
    const outside = join(tempDir(), 'secret.txt')
    fsWriteFileSync(outside, OLD)
    const fs = faultyFs(nodeFs(), {
      failAt: Number.MAX_SAFE_INTEGER,
      code: 'EIO',
      only: (call) => call.method === 'readFile',
    })
    const err = await failureOf(api, () => api.call(outside, EDITS, { root, fs }))
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(fs.calls).toBe(0)
    expect(readFileSync(outside, 'utf8')).toBe(OLD)
  })

  it('creates missing parent directories for a new file', async () => {
    const dir = tempDir()
    const file = join(dir, 'a', 'b', 'new.txt')
    await api.edit(file, [{ oldString: '', newString: 'x\n' }])
    expect(readFileSync(file, 'utf8')).toBe('x\n')
  })

  it('fails with EISDIR on a directory and changes nothing', async () => {
    const dir = tempDir()
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(dir, EDITS))
    expect(err.code).toBe('EISDIR')
    expect(snapshot(dir)).toEqual(before)
  })

  it('holds the cross-process lock when asked and releases it', async () => {
    const dir = tempDir()
    const file = join(dir, 'locked.txt')
    fsWriteFileSync(file, OLD)
    const result = await api.edit(file, EDITS, { lock: true })
    expect(result.ops.locks).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe(NEW)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })
})

describe('multiEdit: concurrency', () => {
  it('runs concurrent edits of one file one after another, each on the result of the previous', async () => {
    const api = apis.find((a) => !a.sync)!
    const file = join(tempDir(), 'counter.txt')
    fsWriteFileSync(file, 'n=0\n')
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => api.edit(file, [{ oldString: `n=${i}`, newString: `n=${i + 1}` }])),
    )
    expect(readFileSync(file, 'utf8')).toBe('n=5\n')
  })
})
