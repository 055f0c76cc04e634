import { existsSync, writeFileSync as fsWriteFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, withLock, writeFile } from '../../src/index.js'
import { apis, failureOf } from '../core/write-api.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

describe('withLock', () => {
  it('holds <path>.lock while fn runs, resolves with what fn returns and removes the lock after', async () => {
    const file = join(tempDir(), 'state.txt')
    let heldDuring = false
    const result = await withLock(file, async () => {
      heldDuring = statSync(`${file}.lock`).isDirectory()
      return 42
    })
    expect(result).toBe(42)
    expect(heldDuring).toBe(true)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('locks a target whose parent directories do not exist yet, creating them', async () => {
    const dir = tempDir()
    const file = join(dir, 'a', 'b', 'state.txt')
    const result = await withLock(file, async () => {
      expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true)
      await writeFile(file, 'inside', { lock: true })
      return 'done'
    })
    expect(result).toBe('done')
    expect(readFileSync(file, 'utf8')).toBe('inside')
    expect(snapshot(dir)).toEqual({
      a: expect.stringMatching(/^dir /),
      'a/b': expect.stringMatching(/^dir /),
      'a/b/state.txt': expect.stringMatching(/^file /),
    })
  })

  it('rejects with the very error fn throws, and releases the lock', async () => {
    const file = join(tempDir(), 'state.txt')
    fsWriteFileSync(file, 'old')
    const thrown = new Error('boom')
    await expect(
      withLock(file, async () => {
        throw thrown
      }),
    ).rejects.toBe(thrown)
    expect(existsSync(`${file}.lock`)).toBe(false)
    expect(readFileSync(file, 'utf8')).toBe('old')
    // Immediately available again, without waiting for anything to go stale.
    await expect(withLock(file, async () => 'again', { retries: 0 })).resolves.toBe('again')
  })

  it('accepts a synchronous fn', async () => {
    const file = join(tempDir(), 'state.txt')
    await expect(new AtomicWriter().withLock(file, () => 'sync')).resolves.toBe('sync')
  })

  it('re-enters when withLock on the same path is nested in the same async context', async () => {
    const file = join(tempDir(), 'state.txt')
    const result = await withLock(file, () => withLock(file, async () => 'inner', { retries: 0 }), {
      retries: 0,
    })
    expect(result).toBe('inner')
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('locks different paths independently', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    const b = join(dir, 'b.txt')
    const result = await withLock(a, () =>
      withLock(b, async () => existsSync(`${a}.lock`) && existsSync(`${b}.lock`)),
    )
    expect(result).toBe(true)
    expect(tempFilesIn(dir)).toEqual([])
    expect(existsSync(`${a}.lock`) || existsSync(`${b}.lock`)).toBe(false)
  })
})

describe.each(apis)('$name with the lock option', (api) => {
  it('takes the lock once for the write and counts it in ops.locks', async () => {
    const file = join(tempDir(), 'state.txt')
    const stats = await api.write(file, 'locked write', { lock: true })
    expect(stats.ops.locks).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('locked write')
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('takes no lock without the option', async () => {
    const file = join(tempDir(), 'state.txt')
    const stats = await api.write(file, 'plain write')
    expect(stats.ops.locks).toBe(0)
  })

  it('accepts LockOptions as the lock option', async () => {
    const file = join(tempDir(), 'state.txt')
    const stats = await api.write(file, 'x', { lock: { stale: 5000, retries: 0 } })
    expect(stats.ops.locks).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('x')
  })

  it('re-enters the lock held by an enclosing withLock instead of acquiring it again', async () => {
    const file = join(tempDir(), 'state.txt')
    const stats = await withLock(file, () => api.write(file, 'inside', { lock: { retries: 0 } }))
    expect(stats.ops.locks).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('inside')
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('creates missing parent directories before taking the lock', async () => {
    const dir = tempDir()
    const file = join(dir, 'x', 'y', 'state.txt')
    const stats = await api.write(file, 'deep', { lock: true })
    expect(stats.ops.locks).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('deep')
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('releases the lock when the write fails', async () => {
    const file = join(tempDir(), 'state.txt')
    fsWriteFileSync(file, 'old')
    const err = await failureOf(api, () => api.call(file, 'new', { lock: true, ifNoneMatch: '*' }))
    expect(err.code).toBe('ERR_CONFLICT')
    expect(existsSync(`${file}.lock`)).toBe(false)
    expect(readFileSync(file, 'utf8')).toBe('old')
    await expect(api.write(file, 'new', { lock: { retries: 0 } })).resolves.toMatchObject({ changed: true })
  })
})
