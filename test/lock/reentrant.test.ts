import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  LockReentrantError,
  update,
  updateJson,
  withLock,
  writeFile,
  writeFileSync,
} from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { tempDir } from '../helpers/tmp.js'

function existing(content: string) {
  const file = join(tempDir(), 'state.txt')
  fsWriteFileSync(file, content)
  return file
}

/** Writes to `file` that a callback might attempt. */
const inner = {
  'writeFile with lock: true': (file: string) => writeFile(file, 'inner', { lock: true }),
  'writeFile without a lock': (file: string) => writeFile(file, 'inner'),
  'writeFileSync with lock: true': async (file: string) => writeFileSync(file, 'inner', { lock: true }),
  update: (file: string) => update(file, () => 'inner'),
  updateJson: (file: string) => updateJson(file, () => ({ inner: true })),
  withLock: (file: string) => withLock(file, async () => 'inner', { retries: 0 }),
}

describe.each(Object.entries(inner))('%s on the same path from inside a callback', (_name, write) => {
  it('fails at once with ERR_LOCK_REENTRANT inside update, which then commits its own result', async () => {
    const file = existing('{"n":0}')
    let err: unknown
    await update(file, async (current) => {
      err = await errorOf(() => write(file))
      return `${current} updated`
    })
    expect(err).toBeInstanceOf(LockReentrantError)
    expect((err as LockReentrantError).code).toBe('ERR_LOCK_REENTRANT')
    expect((err as LockReentrantError).path).toBe(file)
    expect(readFileSync(file, 'utf8')).toBe('{"n":0} updated')
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('fails at once with ERR_LOCK_REENTRANT inside updateJson', async () => {
    const file = existing('{"n":0}')
    let err: unknown
    const stats = await updateJson<{ n: number }>(file, async (current) => {
      err = await errorOf(() => write(file))
      return { n: (current?.n ?? 0) + 1 }
    })
    expect(err).toBeInstanceOf(LockReentrantError)
    expect(stats.value).toEqual({ n: 1 })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: 1 })
  })

  it('fails inside update nested in withLock too', async () => {
    const file = existing('{"n":0}')
    let err: unknown
    await withLock(file, () =>
      update(file, async (current) => {
        err = await errorOf(() => write(file))
        return `${current} updated`
      }),
    )
    expect(err).toBeInstanceOf(LockReentrantError)
    expect(readFileSync(file, 'utf8')).toBe('{"n":0} updated')
  })
})

describe('writes inside withLock', () => {
  it('still re-enter its lock; a write to another path inside update is not affected', async () => {
    const file = existing('a')
    const other = join(tempDir(), 'other.txt')
    await withLock(file, () => writeFile(file, 'b', { lock: true }))
    expect(readFileSync(file, 'utf8')).toBe('b')
    await update(file, async () => {
      await writeFile(other, 'other', { lock: true })
      return 'c'
    })
    expect(readFileSync(other, 'utf8')).toBe('other')
    expect(readFileSync(file, 'utf8')).toBe('c')
  })
})
