import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EncodingError } from '../../src/errors.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

const BOM8 = Buffer.from([0xef, 0xbb, 0xbf])

function fileWith(content: string | Buffer): { dir: string; file: string } {
  const dir = tempDir()
  const file = join(dir, 'file.txt')
  fsWriteFileSync(file, content)
  return { dir, file }
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16()
}

describe.each(apis)('$name: line endings, BOM and final newline', (api) => {
  it('matches LF edits in a CRLF file and writes CRLF everywhere, new lines included', async () => {
    const { file } = fileWith('one\r\ntwo\r\nthree\r\n')
    await api.edit(file, [{ oldString: 'one\ntwo\n', newString: 'one\nTWO\ninserted\n' }])
    expect(readFileSync(file, 'utf8')).toBe('one\r\nTWO\r\ninserted\r\nthree\r\n')
  })

  it('matches CRLF edits in an LF file and writes LF', async () => {
    const { file } = fileWith('one\ntwo\nthree\n')
    await api.edit(file, [{ oldString: 'one\r\ntwo', newString: 'ONE\r\n2\r\n2b' }])
    expect(readFileSync(file, 'utf8')).toBe('ONE\n2\n2b\nthree\n')
  })

  it('keeps a UTF-8 BOM, which matching ignores', async () => {
    const { file } = fileWith(Buffer.concat([BOM8, Buffer.from('first line\nsecond\n')]))
    const result = await api.edit(file, [{ oldString: 'first line', newString: 'line one' }])
    expect(readFileSync(file)).toEqual(Buffer.concat([BOM8, Buffer.from('line one\nsecond\n')]))
    expect(result.applied[0]!.lines).toEqual([1])
  })

  it('accepts an oldString that starts with a BOM', async () => {
    const { file } = fileWith(Buffer.concat([BOM8, Buffer.from('a\n')]))
    await api.edit(file, [{ oldString: '\uFEFFa', newString: '\uFEFFb' }])
    expect(readFileSync(file)).toEqual(Buffer.concat([BOM8, Buffer.from('b\n')]))
  })

  it('keeps CRLF and a BOM together', async () => {
    const { file } = fileWith(Buffer.concat([BOM8, Buffer.from('a\r\nb\r\nc\r\n')]))
    await api.edit(file, [{ oldString: 'b\n', newString: 'B\nB2\n' }])
    expect(readFileSync(file)).toEqual(Buffer.concat([BOM8, Buffer.from('a\r\nB\r\nB2\r\nc\r\n')]))
  })

  it('keeps a missing final newline', async () => {
    const { file } = fileWith('a\nb')
    await api.edit(file, [{ oldString: 'b', newString: 'b\nc' }])
    expect(readFileSync(file, 'utf8')).toBe('a\nb\nc')
  })

  it('keeps a final newline', async () => {
    const { file } = fileWith('a\nb\n')
    await api.edit(file, [{ oldString: 'a', newString: 'A' }])
    expect(readFileSync(file, 'utf8')).toBe('A\nb\n')
  })

  it('lets an edit remove the final newline', async () => {
    const { file } = fileWith('a\nb\n')
    await api.edit(file, [{ oldString: 'b\n', newString: 'b' }])
    expect(readFileSync(file, 'utf8')).toBe('a\nb')
  })

  it('keeps each untouched line ending of a mixed file; new lines get the dominant one', async () => {
    const { file } = fileWith('a\r\nb\nc\r\nd\r\ne\n')
    await api.edit(file, [{ oldString: 'c\nd', newString: 'c\nnew\nd' }])
    expect(readFileSync(file, 'utf8')).toBe('a\r\nb\nc\r\nnew\r\nd\r\ne\n')
  })

  it('keeps the ending of a line whose text changed but whose end was not part of the edit', async () => {
    const { file } = fileWith('x\r\ny\nz\n')
    await api.edit(file, [{ oldString: 'x', newString: 'X' }])
    expect(readFileSync(file, 'utf8')).toBe('X\r\ny\nz\n')
  })

  it('converts the whole file with eol: lf and eol: crlf', async () => {
    const a = fileWith('a\r\nb\nc\r\n')
    await api.edit(a.file, [{ oldString: 'b', newString: 'B\nB2' }], { eol: 'lf' })
    expect(readFileSync(a.file, 'utf8')).toBe('a\nB\nB2\nc\n')
    const b = fileWith('a\nb\nc')
    await api.edit(b.file, [{ oldString: 'b', newString: 'B' }], { eol: 'crlf' })
    expect(readFileSync(b.file, 'utf8')).toBe('a\r\nB\r\nc')
  })

  it('adds or strips the BOM on request', async () => {
    const a = fileWith('a\n')
    await api.edit(a.file, [{ oldString: 'a', newString: 'b' }], { bom: 'add' })
    expect(readFileSync(a.file)).toEqual(Buffer.concat([BOM8, Buffer.from('b\n')]))
    const b = fileWith(Buffer.concat([BOM8, Buffer.from('a\n')]))
    await api.edit(b.file, [{ oldString: 'a', newString: 'b' }], { bom: 'strip' })
    expect(readFileSync(b.file)).toEqual(Buffer.from('b\n'))
  })

  it('shows a line-ending change in the diff', async () => {
    const { file } = fileWith('a\r\nb\r\n')
    const result = await api.edit(file, [{ oldString: 'a', newString: 'A' }], { eol: 'lf' })
    expect(result.diff).toBe('--- a/file.txt\n+++ b/file.txt\n@@ -1,2 +1,2 @@\n-a\r\n-b\r\n+A\n+b\n')
  })
})

describe.each(apis)('$name: encodings', (api) => {
  it('edits UTF-16LE with a BOM and writes UTF-16LE with the BOM', async () => {
    const { file } = fileWith(Buffer.from('\uFEFFhello\r\nworld\r\n', 'utf16le'))
    await api.edit(file, [{ oldString: 'world', newString: 'wörld ✓' }])
    expect(readFileSync(file)).toEqual(Buffer.from('\uFEFFhello\r\nwörld ✓\r\n', 'utf16le'))
  })

  it('edits UTF-16BE with a BOM and writes UTF-16BE', async () => {
    const { file } = fileWith(utf16be('\uFEFFone\ntwo\n'))
    await api.edit(file, [{ oldString: 'two', newString: 'zwei' }])
    expect(readFileSync(file)).toEqual(utf16be('\uFEFFone\nzwei\n'))
  })

  it('edits latin1 with an explicit encoding and writes latin1', async () => {
    const { file } = fileWith(Buffer.from('café crème\n', 'latin1'))
    await api.edit(file, [{ oldString: 'crème', newString: 'brûlée' }], { encoding: 'latin1' })
    expect(readFileSync(file)).toEqual(Buffer.from('café brûlée\n', 'latin1'))
  })

  it('fails with ERR_ENCODING on invalid UTF-8 rather than write replacement characters', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ok line\n'),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from('\n'),
    ])
    const { dir, file } = fileWith(bytes)
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, [{ oldString: 'ok', newString: 'fine' }]))
    expect(err).toBeInstanceOf(EncodingError)
    expect(err.code).toBe('ERR_ENCODING')
    expect(err.path).toBe(file)
    expect(err.message).toContain('offset 8')
    expect(err.message).toContain('left unchanged')
    expect(snapshot(dir)).toEqual(before)
  })

  it('fails with ERR_ENCODING when a newString cannot be written in the file encoding', async () => {
    const { dir, file } = fileWith(Buffer.from('price: 5\n', 'latin1'))
    const before = snapshot(dir)
    const err = await failureOf(api, () =>
      api.call(file, [{ oldString: '5', newString: '5 €' }], { encoding: 'latin1' }),
    )
    expect(err.code).toBe('ERR_ENCODING')
    expect(err.message).toContain('edits[0]')
    expect(snapshot(dir)).toEqual(before)
  })
})
