import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableWriteError } from '../../src/errors.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, type EditFailure, failureOf } from './edit-api.js'

type Failure = EditFailure & { otherIndex?: number; line?: number; errno?: number; syscall?: string }

function fileWith(content: string | Buffer, name = 'file.txt'): { dir: string; file: string } {
  const dir = tempDir()
  const file = join(dir, name)
  fsWriteFileSync(file, content)
  return { dir, file }
}

const GO = [
  'func A() error {',
  '\tx, err := a()',
  '\tif err != nil {',
  '\t\treturn err',
  '\t}',
  '\treturn use(x)',
  '}',
  '',
  'func B() error {',
  '\ty, err := b()',
  '\tif err != nil {',
  '\t\treturn err',
  '\t}',
  '\treturn use(y)',
  '}',
  '',
].join('\n')

describe.each(apis)('$name: every edit is matched against the file as read', (api) => {
  async function failing(content: string | Buffer, edits: unknown, options?: unknown): Promise<Failure> {
    const { dir, file } = fileWith(content)
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, edits, options))
    expect(snapshot(dir)).toEqual(before)
    return err as Failure
  }

  it('refuses an edit made unique only by an earlier one instead of editing the other function', async () => {
    const err = await failing(GO, [
      {
        oldString: '\tx, err := a()\n\tif err != nil {',
        newString: '\tx, err := a(ctx)\n\tif err != nil { // A',
      },
      // Meant for A's block; in the file as read it also matches B's, and A's is edits[0]'s.
      {
        oldString: 'if err != nil {\n\t\treturn err',
        newString: 'if err != nil {\n\t\treturn fmt.Errorf("a: %w", err)',
      },
    ])
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    expect(err.editIndex).toBe(1)
    expect(err.otherIndex).toBe(0)
    expect(err.matches).toEqual({ count: 2, lines: [3, 11] })
    expect(err.message).toContain('edits[0]')
    expect(err.message).toContain('edits[1]')
    expect(err.hint).toContain('merge edits[1] into edits[0]')
  })

  it('judges uniqueness in the file as read, even when an earlier edit removes the other occurrence', async () => {
    const err = await failing('x = 1\ny = 1\n', [
      { oldString: 'y = 1', newString: 'y = 2' },
      { oldString: '= 1', newString: '= 3' },
    ])
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    const ambiguous = await failing('x = 1\ny = 1\nz\n', [
      { oldString: 'z', newString: 'Z' },
      { oldString: '= 1', newString: '= 3' },
    ])
    expect(ambiguous.code).toBe('ERR_EDIT_AMBIGUOUS')
    expect(ambiguous.matches).toEqual({ count: 2, lines: [1, 2] })
  })

  it('refuses an oldString that only appears once an earlier edit has removed the text between', async () => {
    const err = await failing('alpha\nbeta\ngamma\n', [
      { oldString: 'beta\n', newString: '' },
      { oldString: 'alpha\ngamma', newString: 'ALPHA\ngamma' },
    ])
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    expect(err.editIndex).toBe(1)
    expect(err.otherIndex).toBe(0)
    expect(err.matches).toEqual({ count: 1, lines: [2] })
  })

  it('refuses to edit text that the creating edit puts in, naming edits[0]', async () => {
    const dir = tempDir()
    const file = join(dir, 'new.txt')
    const err = (await failureOf(api, () =>
      api.call(file, [
        { oldString: '', newString: 'one\ntwo\n' },
        { oldString: 'two', newString: '2' },
      ]),
    )) as Failure
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    expect(err.otherIndex).toBe(0)
    expect(snapshot(dir)).toEqual({})
  })

  it('gives the same bytes whatever the order of disjoint edits', async () => {
    const edits = [
      { oldString: 'x, err := a()', newString: 'x, err := a(ctx)' },
      { oldString: 'return use(y)', newString: 'return use(y, ctx)' },
      { oldString: 'func B() error {\n', newString: '// B does b.\nfunc B() error {\n' },
    ]
    const one = fileWith(GO)
    const two = fileWith(GO)
    await api.edit(one.file, edits)
    await api.edit(two.file, [...edits].reverse())
    expect(readFileSync(one.file, 'utf8')).toBe(readFileSync(two.file, 'utf8'))
    expect(readFileSync(one.file, 'utf8')).toBe(
      GO.replace('a()', 'a(ctx)').replace('use(y)', 'use(y, ctx)').replace('func B', '// B does b.\nfunc B'),
    )
  })

  it('reports applied lines in the file as read', async () => {
    const { file } = fileWith('a\nb\nc\nd\n')
    const result = await api.edit(file, [
      { oldString: 'a\n', newString: 'a\n1\n2\n3\n' },
      { oldString: 'd', newString: 'D' },
    ])
    expect(result.applied).toEqual([
      { index: 0, count: 1, lines: [1] },
      { index: 1, count: 1, lines: [4] },
    ])
    expect(readFileSync(file, 'utf8')).toBe('a\n1\n2\n3\nb\nc\nD\n')
  })

  it('lets replaceAll change every occurrence in the file as read, not those an earlier edit adds', async () => {
    const { file } = fileWith('id id\nname\n')
    await api.edit(file, [
      { oldString: 'name', newString: 'name id' },
      { oldString: 'id', newString: 'key', replaceAll: true },
    ])
    expect(readFileSync(file, 'utf8')).toBe('key key\nname id\n')
  })
})

describe.each(apis)('$name: byte order mark in newString', (api) => {
  const BOM8 = Buffer.from([0xef, 0xbb, 0xbf])

  it('does not double the BOM when newString starts with one at the start of a BOM file', async () => {
    const { file } = fileWith(Buffer.concat([BOM8, Buffer.from('#region License\n')]))
    await api.edit(file, [{ oldString: '#region License', newString: '\uFEFF#region License (MIT)' }])
    expect(readFileSync(file)).toEqual(Buffer.concat([BOM8, Buffer.from('#region License (MIT)\n')]))
  })

  it('does not double the BOM in a UTF-16LE file either', async () => {
    const { file } = fileWith(Buffer.from('\uFEFFa\r\nb\r\n', 'utf16le'))
    await api.edit(file, [{ oldString: 'a', newString: '\uFEFFA' }])
    expect(readFileSync(file)).toEqual(Buffer.from('\uFEFFA\r\nb\r\n', 'utf16le'))
  })

  it('does not double the BOM that bom: add puts in', async () => {
    const { file } = fileWith('a\n')
    await api.edit(file, [{ oldString: 'a', newString: '\uFEFFb' }], { bom: 'add' })
    expect(readFileSync(file)).toEqual(Buffer.concat([BOM8, Buffer.from('b\n')]))
  })

  it('strips it with bom: strip', async () => {
    const { file } = fileWith(Buffer.concat([BOM8, Buffer.from('a\n')]))
    await api.edit(file, [{ oldString: 'a', newString: '\uFEFFb' }], { bom: 'strip' })
    expect(readFileSync(file)).toEqual(Buffer.from('b\n'))
  })
})

describe.each(apis)('$name: line endings of replaced lines', (api) => {
  it('keeps the CRLF of replaced lines in a mixed file', async () => {
    const { file } = fileWith('a: 1\r\nb: 2\r\nc\nd\ne\n')
    await api.edit(file, [{ oldString: 'a: 1\nb: 2', newString: 'a: 5\nb: 9' }])
    expect(readFileSync(file, 'utf8')).toBe('a: 5\r\nb: 9\r\nc\nd\ne\n')
  })

  it('keeps the LF of replaced lines in a mostly CRLF file', async () => {
    const { file } = fileWith('a\r\nb\r\nc\r\nx: 1\ny: 2\nz\r\n')
    await api.edit(file, [{ oldString: 'x: 1\ny: 2\n', newString: 'x: 10\ny: 20\n' }])
    expect(readFileSync(file, 'utf8')).toBe('a\r\nb\r\nc\r\nx: 10\ny: 20\nz\r\n')
  })

  it('gives each line of a replaced mixed region the ending of the line in its place', async () => {
    const { file } = fileWith('p\na\r\nb\nc\r\nq\n')
    await api.edit(file, [{ oldString: 'a\nb\nc', newString: 'A\nB\nC' }])
    expect(readFileSync(file, 'utf8')).toBe('p\nA\r\nB\nC\r\nq\n')
  })

  it('keeps the ending of unchanged lines inside a replaced mixed region and gives added lines their neighbours', async () => {
    const { file } = fileWith('a\r\nkeep\nb\r\n')
    await api.edit(file, [{ oldString: 'a\nkeep\nb', newString: 'A\nkeep\nadded\nb' }])
    expect(readFileSync(file, 'utf8')).toBe('A\r\nkeep\nadded\nb\r\n')
    const other = fileWith('a\r\nkeep\nb\r\nc\r\n')
    await api.edit(other.file, [{ oldString: 'a\nkeep\nb\nc', newString: 'A\nkeep\nadded\nb\nC' }])
    expect(readFileSync(other.file, 'utf8')).toBe('A\r\nkeep\nadded\nb\r\nC\r\n')
  })

  it('gives the lines a replaceAll adds the ending of the line each occurrence is on', async () => {
    const { file } = fileWith('x=1\r\ny\nx=1\n')
    await api.edit(file, [{ oldString: 'x=1', newString: 'x=1\nz', replaceAll: true }])
    expect(readFileSync(file, 'utf8')).toBe('x=1\r\nz\r\ny\nx=1\nz\n')
  })

  it('gives a line split in the last line of a file the ending of the line above', async () => {
    const { file } = fileWith('a\nb\r\nc d')
    await api.edit(file, [{ oldString: 'c d', newString: 'c\nd' }])
    expect(readFileSync(file, 'utf8')).toBe('a\nb\r\nc\r\nd')
  })
})

describe.each(apis)('$name: ERR_EDIT_ALREADY_APPLIED', (api) => {
  const applied = [
    'function total(items) {',
    '  return items.reduce((sum, item) => sum + item.price * item.qty, 0)',
    '}',
    '',
    'function count(items) {',
    '  return items.reduce((sum, item) => sum + item.qty, 0)',
    '}',
    '',
  ].join('\n')

  it('says an edit was already made rather than point to a look-alike', async () => {
    const { dir, file } = fileWith(applied)
    const before = snapshot(dir)
    const err = (await failureOf(api, () =>
      api.call(file, [
        {
          oldString: 'function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0)\n}',
          newString:
            'function total(items) {\n  return items.reduce((sum, item) => sum + item.price * item.qty, 0)\n}',
        },
      ]),
    )) as Failure
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_EDIT_ALREADY_APPLIED')
    expect(err.editIndex).toBe(0)
    expect(err.line).toBe(1)
    expect(err.message).toContain('left unchanged')
    expect(err.hint).toContain('line 1')
    expect(snapshot(dir)).toEqual(before)
  })

  it('is checked for a later edit too, against the file as read', async () => {
    const { file } = fileWith('const port = 8080\nconst host = "a"\n')
    const err = (await failureOf(api, () =>
      api.call(file, [
        { oldString: 'const host = "a"', newString: 'const host = "b"' },
        { oldString: 'const port = 80\n', newString: 'const port = 8080\n' },
      ]),
    )) as Failure
    expect(err.code).toBe('ERR_EDIT_ALREADY_APPLIED')
    expect(err.editIndex).toBe(1)
    expect(err.line).toBe(1)
  })

  it('is not claimed for an edit that only deletes, whose newString proves nothing', async () => {
    const { file } = fileWith('a\nb\n')
    const err = (await failureOf(api, () =>
      api.call(file, [{ oldString: 'a\nzzz\n', newString: 'a\n' }]),
    )) as Failure
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
  })

  it('is not claimed for a short one-line newString that may be in the file by chance', async () => {
    const { file } = fileWith('enabled: false\n')
    const err = (await failureOf(api, () =>
      api.call(file, [{ oldString: 'enabled: true', newString: 'false' }]),
    )) as Failure
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
  })

  it('is not claimed when newString occurs more often than the edit would put it', async () => {
    const { file } = fileWith('ok\nok\n')
    const err = (await failureOf(api, () =>
      api.call(file, [{ oldString: 'bad', newString: 'ok' }]),
    )) as Failure
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
  })
})

/** `text` (BMP characters only) as UTF-32. */
function utf32(text: string, order: 'le' | 'be'): Buffer {
  const out = Buffer.alloc(text.length * 4)
  for (let i = 0; i < text.length; i++) {
    if (order === 'le') out.writeUInt32LE(text.charCodeAt(i), i * 4)
    else out.writeUInt32BE(text.charCodeAt(i), i * 4)
  }
  return out
}

describe.each(apis)('$name: encodings it must not guess', (api) => {
  async function refused(bytes: Buffer, options?: unknown): Promise<Failure> {
    const { dir, file } = fileWith(bytes)
    const before = snapshot(dir)
    const err = (await failureOf(api, () =>
      api.call(file, [{ oldString: 'b', newString: 'B' }], options),
    )) as Failure
    expect(err.code).toBe('ERR_ENCODING')
    expect(err.path).toBe(file)
    expect(err.message).toContain('left unchanged')
    expect(snapshot(dir)).toEqual(before)
    return err
  }

  it('suggests utf16le, not latin1, for UTF-16LE without a BOM', async () => {
    const err = await refused(Buffer.from('a = 1\nb = 2\n', 'utf16le'))
    expect(err.message).toContain("encoding: 'utf16le'")
    expect(err.message).not.toContain('latin1')
  })

  it('suggests utf16le for BOM-less UTF-16LE that is not even valid UTF-8', async () => {
    const err = await refused(Buffer.from('café = 1\nb = 2\n', 'utf16le'))
    expect(err.message).toContain("encoding: 'utf16le'")
  })

  it('edits BOM-less UTF-16LE with encoding: utf16le', async () => {
    const { file } = fileWith(Buffer.from('a = 1\nb = 2\n', 'utf16le'))
    await api.edit(file, [{ oldString: 'b = 2', newString: 'b = 3' }], { encoding: 'utf16le' })
    expect(readFileSync(file)).toEqual(Buffer.from('a = 1\nb = 3\n', 'utf16le'))
  })

  it('refuses UTF-32LE rather than read it as UTF-16LE', async () => {
    const err = await refused(utf32('\uFEFFa\nb\n', 'le'))
    expect(err.message).toContain('UTF-32LE')
  })

  it('refuses UTF-32BE', async () => {
    const err = await refused(utf32('\uFEFFa\nb', 'be'))
    expect(err.message).toContain('UTF-32BE')
  })

  it('still edits UTF-8 with an odd NUL byte', async () => {
    const { file } = fileWith('a\u0000b\nmore text here\n')
    await api.edit(file, [{ oldString: 'more', newString: 'less' }])
    expect(readFileSync(file, 'utf8')).toBe('a\u0000b\nless text here\n')
  })
})

describe.each(apis)('$name: a missing file', (api) => {
  it('fails with the system ENOENT, whose message says how to create the file', async () => {
    const dir = tempDir()
    const file = join(dir, 'missing.txt')
    const err = (await failureOf(api, () => api.call(file, [{ oldString: 'a', newString: 'b' }]))) as Failure
    expect(err).not.toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ENOENT')
    expect(err.errno).toBeLessThan(0)
    expect(err.syscall).toBe('open')
    expect(err.path).toBe(file)
    expect(err.message).toContain(`ENOENT: no such file or directory, open '${file}'`)
    expect(err.message).toContain('empty oldString in edits[0]')
    expect(snapshot(dir)).toEqual({})
  })
})
