import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableWriteError, nodeFs, safeWriteMd, safeWriteMdSync } from '../../src/index.js'
import { recordingFs } from '../helpers/fault-fs.js'
import { openFdCount, snapshot, tempDir } from '../helpers/tmp.js'
import { failureOf } from '../json/fixtures/json-api.js'

const mdApis = [
  { name: 'safeWriteMd', sync: false, call: safeWriteMd as (...args: unknown[]) => unknown },
  { name: 'safeWriteMdSync', sync: true, call: safeWriteMdSync as (...args: unknown[]) => unknown },
]

const TYPE = 'ERR_INVALID_ARG_TYPE'
const VALUE = 'ERR_INVALID_ARG_VALUE'

type Case = [label: string, args: (file: string) => unknown[], code: string, argument: string]

const cases: Case[] = [
  ['text 42', (f) => [f, 42], TYPE, 'text'],
  ['text null', (f) => [f, null], TYPE, 'text'],
  ['text undefined', (f) => [f], TYPE, 'text'],
  ['text as a Buffer', (f) => [f, Buffer.from('# Title\n')], TYPE, 'text'],
  ['text as an array of lines', (f) => [f, ['# Title']], TYPE, 'text'],
  ["eol 'cr'", (f) => [f, '# Title\n', { eol: 'cr' }], VALUE, 'options.eol'],
  ["eol 'LF'", (f) => [f, '# Title\n', { eol: 'LF' }], VALUE, 'options.eol'],
  ['eol true', (f) => [f, '# Title\n', { eol: true }], TYPE, 'options.eol'],
  ["finalNewline 'yes'", (f) => [f, '# Title\n', { finalNewline: 'yes' }], VALUE, 'options.finalNewline'],
  ['finalNewline true', (f) => [f, '# Title\n', { finalNewline: true }], TYPE, 'options.finalNewline'],
  ["bom 'keep'", (f) => [f, '# Title\n', { bom: 'keep' }], VALUE, 'options.bom'],
  ['bom 1', (f) => [f, '# Title\n', { bom: 1 }], TYPE, 'options.bom'],
  ['options 42', (f) => [f, '# Title\n', 42], TYPE, 'options'],
  ["options 'utf8'", (f) => [f, '# Title\n', 'utf8'], TYPE, 'options'],
  ["mode '644'", (f) => [f, '# Title\n', { mode: '644' }], TYPE, 'options.mode'],
  ['path 42', () => [42, '# Title\n'], TYPE, 'path'],
  ['path null', () => [null, '# Title\n'], TYPE, 'path'],
  ['an empty path', () => ['', '# Title\n'], VALUE, 'path'],
]

describe.each(mdApis)('$name: bad arguments', (api) => {
  it.each(cases)('rejects %s, naming the argument, with nothing on disk changed', async (...c) => {
    const [, args, code, argument] = c
    const dir = tempDir()
    const file = join(dir, 'NOTES.md')
    fsWriteFileSync(file, '\uFEFF# Old\r\n')
    const before = snapshot(dir)
    const fds = openFdCount()
    const fs = recordingFs(nodeFs())
    const [path, text, options] = args(file)
    // The recording fs rides along in the options where they are an object, to show no call was made.
    const withFs = typeof options === 'object' && options !== null ? { ...options, fs } : options
    const err = await failureOf(api, () => api.call(path, text, withFs))
    expect(err).toBeInstanceOf(TypeError)
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe(code)
    expect(err.message).toContain(`\`${argument}\``)
    expect(fs.trace).toEqual([])
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })
})
