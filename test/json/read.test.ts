import { writeFileSync as fsWriteFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableWriteError, ParseError, versionOf } from '../../src/index.js'
import { openFdCount, snapshot, tempDir } from '../helpers/tmp.js'
import { failureOf, jsonApis } from './fixtures/json-api.js'

function fileWith(content: string | Buffer, name = 'data.json') {
  const dir = tempDir()
  const file = join(dir, name)
  fsWriteFileSync(file, content)
  return { dir, file }
}

type Corrupt = [label: string, content: string, line: number, column: number]

const corrupt: Corrupt[] = [
  ['an unexpected token', '{\n  "a": 1,\n  "b": ]\n}\n', 3, 8],
  ['a trailing comma', '[1,2,]', 1, 6],
  ['a misspelt literal', '{\n  "ok": tru\n}\n', 2, 12],
  ['a missing comma', '{\n  "a": 1\n  "b": 2\n}\n', 3, 3],
  ['text after the value', '{"a": 1}\n}\n', 2, 1],
  ['an unterminated string', '{"a": "no end', 1, 14],
  ['a file cut short', '{\n  "list": [1, 2,\n', 3, 1],
  ['an empty file', '', 1, 1],
  ['a file of NUL bytes', '\0\0\0\0\0\0\0\0', 1, 1],
  ['CRLF line endings', '{\r\n  "a": x\r\n}\r\n', 2, 8],
  ['a BOM (which is not a column)', '\uFEFF{\n "a": nul\n}', 2, 10],
]

describe.each(jsonApis)('$name: readJson', (api) => {
  it('returns the parsed value and the version of the bytes read', async () => {
    const text = '{\n  "name": "café",\n  "list": [1, 2.5, null, true],\n  "nested": { "a": {} }\n}\n'
    const { file } = fileWith(text)
    const { value, version } = await api.read(file)
    expect(value).toEqual({ name: 'café', list: [1, 2.5, null, true], nested: { a: {} } })
    expect(version).toBe(versionOf(Buffer.from(text)))
  })

  it('reads a file that starts with a UTF-8 byte order mark; the version covers the BOM', async () => {
    const bytes = Buffer.from('\uFEFF{"a": [1, "é"]}\n')
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const { file } = fileWith(bytes)
    const { value, version } = await api.read(file)
    expect(value).toEqual({ a: [1, 'é'] })
    expect(version).toBe(versionOf(bytes))
  })

  it('accepts a file URL', async () => {
    const { file } = fileWith('[1]')
    expect((await api.read(new URL(`file://${file}`))).value).toEqual([1])
  })

  it('returns default with version null for a missing file, and creates nothing', async () => {
    const dir = tempDir()
    const fallback = { count: 0 }
    for (const [name, given] of [
      ['missing.json', fallback],
      ['also-missing.json', 0],
      ['nothing.json', null],
      [join('no-dir', 'missing.json'), 'x'],
    ] as const) {
      const read = await api.read(join(dir, name), { default: given })
      expect(read.value).toEqual(given)
      expect(read.version).toBeNull()
    }
    expect(snapshot(dir)).toEqual({})
  })

  it('returns the file, not default, when the file exists', async () => {
    const { file } = fileWith('{"count": 7}')
    const read = await api.read(file, { default: { count: 0 } })
    expect(read.value).toEqual({ count: 7 })
    expect(read.version).toBe(versionOf('{"count": 7}'))
  })

  it('fails with ENOENT, unwrapped, for a missing file without default', async () => {
    const dir = tempDir()
    const file = join(dir, 'missing.json')
    const err = await failureOf(api, () => api.callRead(file))
    expect(err.code).toBe('ENOENT')
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(err.path).toBe(file)
  })

  it('fails with EISDIR for a directory, even with default', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'sub'))
    const err = await failureOf(api, () => api.callRead(join(dir, 'sub'), { default: {} }))
    expect(err.code).toBe('EISDIR')
  })

  it.each(corrupt)('fails with ERR_PARSE naming the path, line and column for %s', async (...c) => {
    const [, content, line, column] = c
    const { dir, file } = fileWith(content)
    const before = snapshot(dir)
    const fds = openFdCount()
    const err = await failureOf(api, () => api.callRead(file, { default: { unused: true } }))
    expect(err).toBeInstanceOf(ParseError)
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_PARSE')
    expect(err.path).toBe(file)
    expect({ line: err.line, column: err.column }).toEqual({ line, column })
    expect(err.message).toContain(`${file} does not contain valid JSON at line ${line}, column ${column}`)
    expect(err.message).toContain('Fix or restore the file')
    expect(err.cause).toBeInstanceOf(SyntaxError)
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })
})
