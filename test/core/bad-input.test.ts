import { chmodSync, writeFileSync as fsWriteFileSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableWriteError } from '../../src/index.js'
import { openFdCount, snapshot, tempDir } from '../helpers/tmp.js'
import { apis, type CaughtError, failureOf, type WriteApi } from './write-api.js'

const isRoot = process.getuid?.() === 0

/** A directory holding one existing file, the usual target of these calls. */
function fixture() {
  const dir = tempDir()
  const file = join(dir, 'target.txt')
  fsWriteFileSync(file, 'original')
  mkdirSync(join(dir, 'sub'))
  return { dir, file }
}

/** Runs a failing call and proves it left the directory as it was and leaked no file descriptor. */
async function failsCleanly(api: WriteApi, dir: string, run: () => unknown): Promise<CaughtError> {
  const before = snapshot(dir)
  const fds = openFdCount()
  const err = await failureOf(api, run)
  expect(snapshot(dir)).toEqual(before)
  expect(openFdCount()).toBe(fds)
  return err
}

type Case = [
  label: string,
  args: (file: string) => [path: unknown, data: unknown, options?: unknown],
  error: TypeErrorConstructor | RangeErrorConstructor,
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE',
  argument: string,
]

const TYPE = 'ERR_INVALID_ARG_TYPE'
const VALUE = 'ERR_INVALID_ARG_VALUE'

const argumentCases: Case[] = [
  ['a number as path', () => [42, 'x'], TypeError, TYPE, '`path`'],
  ['null as path', () => [null, 'x'], TypeError, TYPE, '`path`'],
  ['an object as path', () => [{}, 'x'], TypeError, TYPE, '`path`'],
  ['undefined as path', () => [undefined, 'x'], TypeError, TYPE, '`path`'],
  ['a path with a NUL byte', (f) => [`${f}\0.txt`, 'x'], TypeError, VALUE, '`path`'],
  ['an empty path', () => ['', 'x'], TypeError, VALUE, '`path`'],
  ['a URL that is not file:', () => [new URL('https://example.com/a.txt'), 'x'], TypeError, VALUE, '`path`'],
  ['a number as data', (f) => [f, 42], TypeError, TYPE, '`data`'],
  ['a plain object as data', (f) => [f, { a: 1 }], TypeError, TYPE, '`data`'],
  ['null as data', (f) => [f, null], TypeError, TYPE, '`data`'],
  ['undefined as data', (f) => [f, undefined], TypeError, TYPE, '`data`'],
  ['options that are not an object', (f) => [f, 'x', 42], TypeError, TYPE, '`options`'],
  ["durability 'x'", (f) => [f, 'x', { durability: 'x' }], TypeError, VALUE, '`options.durability`'],
  ['durability 1', (f) => [f, 'x', { durability: 1 }], TypeError, TYPE, '`options.durability`'],
  ['mode -1', (f) => [f, 'x', { mode: -1 }], RangeError, VALUE, '`options.mode`'],
  ['mode 0o10000', (f) => [f, 'x', { mode: 0o10000 }], RangeError, VALUE, '`options.mode`'],
  ['mode 1.5', (f) => [f, 'x', { mode: 1.5 }], RangeError, VALUE, '`options.mode`'],
  ['mode 0o4755 (setuid)', (f) => [f, 'x', { mode: 0o4755 }], RangeError, VALUE, '`options.mode`'],
  ['mode 0o2755 (setgid)', (f) => [f, 'x', { mode: 0o2755 }], RangeError, VALUE, '`options.mode`'],
  ['mode 0o1777 (sticky)', (f) => [f, 'x', { mode: 0o1777 }], RangeError, VALUE, '`options.mode`'],
  ['mode 0o7777', (f) => [f, 'x', { mode: 0o7777 }], RangeError, VALUE, '`options.mode`'],
  ["ifMatch 'abc'", (f) => [f, 'x', { ifMatch: 'abc' }], TypeError, VALUE, '`options.ifMatch`'],
  ["ifMatch 'sha256:' alone", (f) => [f, 'x', { ifMatch: 'sha256:' }], TypeError, VALUE, '`options.ifMatch`'],
  ['an unknown option', (f) => [f, 'x', { lokc: true }], TypeError, VALUE, '`lokc`'],
  ["mode '644'", (f) => [f, 'x', { mode: '644' }], TypeError, TYPE, '`options.mode`'],
  ["encoding 'nope'", (f) => [f, 'x', { encoding: 'nope' }], TypeError, VALUE, '`options.encoding`'],
  ["mkdirs 'yes'", (f) => [f, 'x', { mkdirs: 'yes' }], TypeError, TYPE, '`options.mkdirs`'],
  ['skipUnchanged 1', (f) => [f, 'x', { skipUnchanged: 1 }], TypeError, TYPE, '`options.skipUnchanged`'],
  ['ifMatch 5', (f) => [f, 'x', { ifMatch: 5 }], TypeError, TYPE, '`options.ifMatch`'],
  ["ifNoneMatch 'x'", (f) => [f, 'x', { ifNoneMatch: 'x' }], TypeError, VALUE, '`options.ifNoneMatch`'],
  ["symlinks 'keep'", (f) => [f, 'x', { symlinks: 'keep' }], TypeError, VALUE, '`options.symlinks`'],
  ['root 5', (f) => [f, 'x', { root: 5 }], TypeError, TYPE, '`options.root`'],
  ['signal {}', (f) => [f, 'x', { signal: {} }], TypeError, TYPE, '`options.signal`'],
  ['validate 1', (f) => [f, 'x', { validate: 1 }], TypeError, TYPE, '`options.validate`'],
  ["onTempFile 'log'", (f) => [f, 'x', { onTempFile: 'log' }], TypeError, TYPE, '`options.onTempFile`'],
  [
    "chown { uid: 'a' }",
    (f) => [f, 'x', { chown: { uid: 'a', gid: 0 } }],
    TypeError,
    TYPE,
    '`options.chown`',
  ],
  ['chown true', (f) => [f, 'x', { chown: true }], TypeError, TYPE, '`options.chown`'],
  ['fs {}', (f) => [f, 'x', { fs: {} }], TypeError, TYPE, '`options.fs`'],
]

describe.each(apis)('$name: argument errors', (api) => {
  it.each(argumentCases)('rejects %s, naming the argument, before touching the disk', async (...c) => {
    const [, args, ErrorClass, code, argument] = c
    const { dir, file } = fixture()
    const err = await failsCleanly(api, dir, () => api.call(...args(file)))
    expect(err).toBeInstanceOf(ErrorClass)
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe(code)
    expect(err.message).toContain(argument)
  })

  it('rejects a chunk of the wrong type inside an iterable, removing the temp file', async () => {
    const { dir, file } = fixture()
    const err = await failsCleanly(api, dir, () => api.call(file, ['fine', 42, 'never']))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe(TYPE)
    expect(err.message).toContain('data')
  })
})

describe.each(apis)('$name: validate', (api) => {
  it.each([
    ['returning false', () => false],
    ['resolving to false', async () => false],
  ])('%s rejects with ERR_VALIDATION like a throw, writing nothing', async (label, validate) => {
    if (api.sync && label === 'resolving to false') return
    const { dir, file } = fixture()
    const err = await failsCleanly(api, dir, () => api.call(file, 'new', { validate }))
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_VALIDATION')
    expect(err.path).toBe(file)
    expect(err.message).toContain(file)
    expect(err.message).toMatch(/\.$/)
  })

  it('accepts a validator returning true or nothing', async () => {
    const { file } = fixture()
    await api.write(file, 'a', { validate: () => true })
    await api.write(file, 'b', { validate: () => undefined })
    expect((await api.read(file, { encoding: 'utf8' })).content).toBe('b')
  })
})

describe.each(apis)('$name: mode', (api) => {
  it.each([0o000, 0o600, 0o777])('accepts 0o%s', async (mode) => {
    const { file } = fixture()
    await api.write(file, 'x', { mode })
    expect(statSync(file).mode & 0o7777).toBe(mode)
  })

  it('keeps special bits inherited from the existing file when mode is omitted', async () => {
    const { file } = fixture()
    chmodSync(file, 0o1644)
    if ((statSync(file).mode & 0o7777) !== 0o1644) return // the file system does not keep the sticky bit
    await api.write(file, 'x')
    expect(statSync(file).mode & 0o7777).toBe(0o1644)
  })
})

describe('writeFileSync: async sources', () => {
  const api = apis.find((a) => a.sync)!
  it('rejects an async iterable with ERR_INVALID_ARG_TYPE, writing nothing', async () => {
    const { dir, file } = fixture()
    async function* source() {
      yield 'x'
    }
    const err = await failsCleanly(api, dir, () => api.call(file, source()))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe(TYPE)
    expect(err.message).toContain('`data`')
    expect(err.message).toContain('AsyncGenerator')
    expect(err.message).not.toContain('instance of .')
  })
})

describe.each(apis)('$name: system errors', (api) => {
  it('fails with EISDIR when the path is an existing directory', async () => {
    const { dir } = fixture()
    const target = join(dir, 'sub')
    const err = await failsCleanly(api, dir, () => api.call(target, 'x'))
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('EISDIR')
    expect(err.path).toBe(target)
    expect(err.message).toContain(target)
  })

  it('with mkdirs: false, fails with ENOENT naming the target, not the hidden temp', async () => {
    const { dir } = fixture()
    const target = join(dir, 'missing', 'child.txt')
    const err = await failsCleanly(api, dir, () => api.call(target, 'x', { mkdirs: false }))
    expect(err.code).toBe('ENOENT')
    expect(err.path).toBe(target)
    expect(err.message).toContain(target)
    expect(err.message).not.toContain('.dwtmp')
  })

  it('fails with ENOTDIR when a parent is a regular file', async () => {
    const { dir, file } = fixture()
    const target = join(file, 'child.txt')
    const err = await failsCleanly(api, dir, () => api.call(target, 'x'))
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ENOTDIR')
    expect(err.message).toContain(file)
  })

  it('fails with ENAMETOOLONG for a file name longer than 255 bytes', async () => {
    const { dir } = fixture()
    const target = join(dir, 'n'.repeat(256))
    const err = await failsCleanly(api, dir, () => api.call(target, 'x'))
    expect(err.code).toBe('ENAMETOOLONG')
    expect(err.message).toContain(target)
  })

  it.skipIf(isRoot)('fails with EACCES in a directory without write permission', async () => {
    const { dir } = fixture()
    const locked = join(dir, 'locked')
    mkdirSync(locked)
    chmodSync(locked, 0o555)
    try {
      const err = await failsCleanly(api, dir, () => api.call(join(locked, 'f.txt'), 'x'))
      expect(err.code).toBe('EACCES')
      expect(err.message).toContain(locked)
    } finally {
      chmodSync(locked, 0o755)
    }
  })
})
