import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { batchWrite, writeTransaction } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

function fixture() {
  const dir = tempDir()
  const file = join(dir, 'a.txt')
  fsWriteFileSync(file, 'old')
  return { dir, file }
}

describe.each([true, false])('batchWrite (atomic: %s) with one file twice', (atomic) => {
  it('fails with ERR_INVALID_ARG_VALUE naming both indexes, writing nothing', async () => {
    const { dir, file } = fixture()
    const before = snapshot(dir)
    const err = await errorOf(() =>
      batchWrite(
        [
          { path: file, data: 'first' },
          { path: join(dir, 'b.txt'), data: 'b' },
          { path: join(dir, 'sub', '..', basename(file)), data: 'second' },
        ],
        { atomic },
      ),
    )
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(err.message).toContain('`entries[0]`')
    expect(err.message).toContain('`entries[2]`')
    expect(err.message).toContain(file)
    expect(snapshot(dir)).toEqual(before)
  })

  it('compares resolved paths: a relative and an absolute spelling are the same file', async () => {
    const { dir, file } = fixture()
    const before = snapshot(dir)
    const err = await errorOf(() =>
      batchWrite(
        [
          { path: relative(process.cwd(), file), data: '1' },
          { path: new URL(`file://${file}`), data: '2' },
        ],
        { atomic },
      ),
    )
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(err.message).toMatch(/`entries\[0\]` and `entries\[1\]`/)
    expect(snapshot(dir)).toEqual(before)
  })
})

describe('writeTransaction staging one path twice', () => {
  it('is allowed: the later staging wins', async () => {
    const { file } = fixture()
    await writeTransaction((tx) => {
      tx.writeFile(file, 'first')
      tx.writeFile(file, 'second')
    })
    expect(readFileSync(file, 'utf8')).toBe('second')
  })
})
