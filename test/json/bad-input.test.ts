import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableWriteError, nodeFs } from '../../src/index.js'
import { recordingFs } from '../helpers/fault-fs.js'
import { openFdCount, snapshot, tempDir } from '../helpers/tmp.js'
import { type Failure, failureOf, jsonApis } from './fixtures/json-api.js'

const TYPE = 'ERR_INVALID_ARG_TYPE'
const VALUE = 'ERR_INVALID_ARG_VALUE'

/** A directory holding the usual target, with its old content. */
function fixture() {
  const dir = tempDir()
  const file = join(dir, 'data.json')
  fsWriteFileSync(file, '{"old": true}\n')
  return { dir, file }
}

/** Runs a failing call; proves it changed nothing on disk and leaked no descriptor. */
async function failsCleanly(
  api: { name: string; sync: boolean },
  dir: string,
  run: () => unknown,
): Promise<Failure> {
  const before = snapshot(dir)
  const fds = openFdCount()
  const err = await failureOf(api, run)
  expect(snapshot(dir)).toEqual(before)
  expect(openFdCount()).toBe(fds)
  return err
}

function expectArgumentError(
  err: Failure,
  code: string,
  argument: string,
  Class: ErrorConstructor = TypeError,
) {
  expect(err).toBeInstanceOf(Class)
  expect(err).not.toBeInstanceOf(DurableWriteError)
  expect(err.code).toBe(code)
  expect(err.message).toContain(`\`${argument}\``)
}

type PathCase = [label: string, path: (file: string) => unknown, code: string]

const badPaths: PathCase[] = [
  ['a number', () => 42, TYPE],
  ['null', () => null, TYPE],
  ['undefined', () => undefined, TYPE],
  ['an object', () => ({ path: 'x.json' }), TYPE],
  ['a Buffer', (f) => Buffer.from(f), TYPE],
  ['an empty string', () => '', VALUE],
  ['a path with a NUL byte', (f) => `${f}\0.json`, VALUE],
  ['an http URL', () => new URL('https://example.com/data.json'), VALUE],
]

type OptionCase = [label: string, options: Record<string, unknown> | unknown, code: string, argument: string]

const badOptions: OptionCase[] = [
  ['options 42', 42, TYPE, 'options'],
  ['options []', [], TYPE, 'options'],
  ['space {}', { space: {} }, TYPE, 'options.space'],
  ['space true', { space: true }, TYPE, 'options.space'],
  ["stable 'yes'", { stable: 'yes' }, TYPE, 'options.stable'],
  ['stable 1', { stable: 1 }, TYPE, 'options.stable'],
  ['replacer 5', { replacer: 5 }, TYPE, 'options.replacer'],
  ["replacer 'name'", { replacer: 'name' }, TYPE, 'options.replacer'],
  ["stream 'sometimes'", { stream: 'sometimes' }, VALUE, 'options.stream'],
  ['stream 1', { stream: 1 }, VALUE, 'options.stream'],
  ['finalNewline 1', { finalNewline: 1 }, TYPE, 'options.finalNewline'],
  ["finalNewline 'ensure'", { finalNewline: 'ensure' }, TYPE, 'options.finalNewline'],
  ["mode '644'", { mode: '644' }, TYPE, 'options.mode'],
  ["durability 'eventual'", { durability: 'eventual' }, VALUE, 'options.durability'],
  ['ifMatch 5', { ifMatch: 5 }, TYPE, 'options.ifMatch'],
  ['root 5', { root: 5 }, TYPE, 'options.root'],
]

describe.each(jsonApis)('$name: bad arguments', (api) => {
  it.each(badPaths)('rejects %s as the path, naming it, before touching the disk', async (...c) => {
    const [, path, code] = c
    const { dir, file } = fixture()
    const err = await failsCleanly(api, dir, () => api.call(path(file), { a: 1 }))
    expectArgumentError(err, code, 'path')
  })

  it.each(badOptions)('rejects %s, naming the option, before any I/O', async (...c) => {
    const [, options, code, argument] = c
    const { dir, file } = fixture()
    const fs = recordingFs(nodeFs())
    const withFs = typeof options === 'object' && !Array.isArray(options) ? { ...options, fs } : options
    const err = await failsCleanly(api, dir, () => api.call(file, { a: 1 }, withFs))
    expectArgumentError(err, code, argument)
    expect(fs.trace).toEqual([])
  })

  it('still writes after all those failures', async () => {
    const { file } = fixture()
    await api.write(file, { a: 1 })
    expect((await api.read(file)).value).toEqual({ a: 1 })
  })
})

describe.each(jsonApis)('$name: readJson bad arguments', (api) => {
  it.each(badPaths)('rejects %s as the path, naming it', async (...c) => {
    const [, path, code] = c
    const { dir, file } = fixture()
    const err = await failsCleanly(api, dir, () => api.callRead(path(file), { default: {} }))
    expectArgumentError(err, code, 'path')
  })

  it.each([
    ['a number', 42],
    ['a string', 'utf8'],
    ['an array', [{}]],
  ])('rejects %s as options', async (_label, options) => {
    const { dir, file } = fixture()
    const err = await failsCleanly(api, dir, () => api.callRead(file, options))
    expectArgumentError(err, TYPE, 'options')
  })
})
