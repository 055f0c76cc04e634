import { writeFileSync as fsWriteFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describe as shown } from '../../src/errors.js'
import {
  batchWrite,
  multiEdit,
  readJson,
  readVersioned,
  readVersionedSync,
  safeWriteJson,
  WriteQueue,
  writeFile,
  writeFileSync,
} from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { errorOf } from './write-api.js'

class Point {
  x = 1
}

describe('how messages show a value', () => {
  it.each([
    [undefined, 'nothing (`undefined`)'],
    [null, '`null`'],
    [42, '`42` (number)'],
    [10n, '`10n` (bigint)'],
    ['abc', '`"abc"` (string)'],
    [{}, 'a plain object'],
    [Object.create(null), 'a plain object'],
    [[1, 2], 'an array (length 2)'],
    [new Point(), 'an instance of Point'],
    [(async function* gen() {})(), 'an instance of AsyncGenerator'],
    [(function* gen() {})(), 'an instance of Generator'],
    [() => 1, 'a function (anonymous)'],
    [function named() {}, 'a function `named`'],
  ])('shows %s as %s', (value, text) => {
    expect(shown(value)).toBe(text)
  })
})

describe('argument error messages', () => {
  const dir = tempDir()
  const file = join(dir, 'f.txt')
  fsWriteFileSync(file, 'one\n')
  const calls: [string, () => unknown][] = [
    ['an async generator to writeFileSync', () => writeFileSync(file, (async function* () {})() as never)],
    ['undefined data', () => writeFile(file, undefined as never)],
    ['an unknown option', () => writeFile(file, 'x', { lokc: true } as never)],
    ['a bad mode', () => writeFile(file, 'x', { mode: 0o4755 })],
    ['a bad ifMatch', () => writeFile(file, 'x', { ifMatch: 'abc' })],
    ['a bad space', () => safeWriteJson(file, {}, { space: true as never })],
    ['an edit without oldString', () => multiEdit(file, [{ newString: 'x' } as never])],
    ['entries that are not an array', () => batchWrite(undefined as never)],
    ['a queue concurrency of 0', () => new WriteQueue({ concurrency: 0 })],
  ]
  it.each(calls)(
    '%s: no "undefined undefined", no empty class name, ends with a full stop',
    async (_l, call) => {
      const err = await errorOf(call)
      expect(err.message).not.toMatch(/undefined undefined|instance of \.|instance of $/)
      expect(err.message).toMatch(/[.?]$/)
    },
  )

  it('an edit whose oldString is undefined says so in words', async () => {
    const err = await errorOf(() => multiEdit(file, [{ oldString: undefined, newString: 'x' } as never]))
    expect(err.code).toBe('ERR_EDIT_INVALID')
    expect(err.message).not.toContain('undefined undefined')
    expect(err.message).toContain('`undefined`')
  })

  it('a validator that throws a message without a full stop still makes sentences', async () => {
    const err = await errorOf(() =>
      writeFile(file, 'x', {
        validate: () => {
          throw new Error('bad schema')
        },
      }),
    )
    expect(err.message).toContain('bad schema. Nothing was written')
  })
})

describe('reading a directory as a file', () => {
  it.each([
    ['readVersioned', (p: string) => readVersioned(p)],
    ['readVersionedSync', (p: string) => readVersionedSync(p)],
    ['readJson', (p: string) => readJson(p)],
  ])('%s fails with EISDIR naming the path', async (_name, read) => {
    const dir = tempDir()
    const sub = join(dir, 'sub')
    mkdirSync(sub)
    const err = await errorOf(() => read(sub))
    expect(err.code).toBe('EISDIR')
    expect(err.path).toBe(sub)
    expect(err.message).toContain(sub)
  })
})
