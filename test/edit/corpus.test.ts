import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, type EditFailure, failureOf } from './edit-api.js'

/** An edit call on a realistic file and what it must give: the exact bytes, or an error. */
interface Case {
  name: string
  file: string | Buffer
  edits: unknown[]
  options?: Record<string, unknown>
  /** The file afterwards, byte for byte. */
  bytes?: string | Buffer
  /** Or the error: its code, the failing edit and, for overlaps, the other edit. */
  error?: { code: string; editIndex?: number; otherIndex?: number; line?: number }
}

const BOM8 = Buffer.from([0xef, 0xbb, 0xbf])
const crlf = (s: string) => s.replace(/\n/g, '\r\n')
const withBom8 = (s: string) => Buffer.concat([BOM8, Buffer.from(s)])
const utf16le = (s: string) => Buffer.from(s, 'utf16le')
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16()

const CS = crlf(
  [
    '#region License',
    '// Copyright (c) Contoso',
    '#endregion',
    'using System;',
    'using System.IO;',
    '',
    'namespace Contoso.Tools',
    '{',
    '    public static class Paths',
    '    {',
    '        public static string Normalize(string path)',
    '        {',
    '            return path.Replace("\\\\", "/");',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n'),
)

const YAML =
  'services:\r\n  web:\r\n    image: nginx:1.24\r\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n'

const GO = [
  'package store',
  '',
  'func Load(path string) (*Store, error) {',
  '\tf, err := os.Open(path)',
  '\tif err != nil {',
  '\t\treturn nil, err',
  '\t}',
  '\tdefer f.Close()',
  '\tif err != nil {',
  '\t\treturn err',
  '\t}',
  '\treturn decode(f)',
  '}',
  '',
  'func Save(path string, s *Store) error {',
  '\tf, err := os.Create(path)',
  '\tif err != nil {',
  '\t\treturn err',
  '\t}',
  '\treturn encode(f, s)',
  '}',
  '',
].join('\n')

const PY = [
  'import os',
  '',
  '',
  'def read_config(path):',
  '    with open(path) as f:',
  '        return f.read()',
  '',
  '',
  'def legacy():',
  '    pass',
  '',
].join('\n')

const MIN_JS = `!function(e){"use strict";var t=function(e,t){return e+t},n={name:"lib",version:"1.2.0"};e.add=t,e.meta=n,e.sub=function(e,t){return e-t}}(window);`

const NFD_CAFE = 'Cafe\u0301 menu\nCre\u0300me bru\u0302le\u0301e\n'

const cases: Case[] = [
  // C#, CRLF and a UTF-8 BOM
  {
    name: 'C#: renames a method in a CRLF file with a BOM',
    file: withBom8(CS),
    edits: [
      {
        oldString: 'public static string Normalize(string path)',
        newString: 'public static string ToPosix(string path)',
      },
    ],
    bytes: withBom8(CS.replace('Normalize', 'ToPosix')),
  },
  {
    name: 'C#: adds a using line with LF, written as CRLF',
    file: withBom8(CS),
    edits: [{ oldString: 'using System.IO;\n', newString: 'using System.IO;\nusing System.Linq;\n' }],
    bytes: withBom8(CS.replace('using System.IO;\r\n', 'using System.IO;\r\nusing System.Linq;\r\n')),
  },
  {
    name: 'C#: a newString starting with a BOM at the top does not double it',
    file: withBom8(CS),
    edits: [{ oldString: '#region License', newString: '\uFEFF#region License (MIT)' }],
    bytes: withBom8(CS.replace('#region License', '#region License (MIT)')),
  },
  {
    name: 'C#: an oldString copied with its BOM still matches',
    file: withBom8(CS),
    edits: [
      { oldString: '\uFEFF#region License\r\n', newString: '\uFEFF#region License\r\n// SPDX: MIT\r\n' },
    ],
    bytes: withBom8(CS.replace('#region License\r\n', '#region License\r\n// SPDX: MIT\r\n')),
  },
  {
    name: 'C#: a lone brace is ambiguous',
    file: withBom8(CS),
    edits: [{ oldString: '    {', newString: '    { // open' }],
    error: { code: 'ERR_EDIT_AMBIGUOUS', editIndex: 0 },
  },
  {
    name: 'C#: two edits in the same method body overlap',
    file: withBom8(CS),
    edits: [
      {
        oldString: '        {\n            return path',
        newString: '        {\n            return (path ?? "")',
      },
      { oldString: 'return path.Replace', newString: 'return path.Trim().Replace' },
    ],
    error: { code: 'ERR_EDIT_OVERLAP', editIndex: 1, otherIndex: 0 },
  },
  // YAML with mixed line endings
  {
    name: 'YAML: replaced CRLF lines keep CRLF in a mostly LF file',
    file: 'a: 1\r\nb: 2\r\nc\nd\ne\n',
    edits: [{ oldString: 'a: 1\nb: 2', newString: 'a: 5\nb: 9' }],
    bytes: 'a: 5\r\nb: 9\r\nc\nd\ne\n',
  },
  {
    name: 'YAML: a key added to the LF section gets LF',
    file: YAML,
    edits: [
      { oldString: '    image: postgres:16\n', newString: '    image: postgres:16\n    restart: always\n' },
    ],
    bytes: YAML.replace('postgres:16\n', 'postgres:16\n    restart: always\n'),
  },
  {
    name: 'YAML: a key added to the CRLF section gets CRLF',
    file: YAML,
    edits: [
      { oldString: '    image: nginx:1.24\n', newString: '    image: nginx:1.24\n    restart: always\n' },
    ],
    bytes: YAML.replace('nginx:1.24\r\n', 'nginx:1.24\r\n    restart: always\r\n'),
  },
  {
    name: 'YAML: replaceAll across CRLF and LF lines keeps each ending',
    file: YAML,
    edits: [{ oldString: 'image: ', newString: 'image: registry.local/', replaceAll: true }],
    bytes: YAML.replace(/image: /g, 'image: registry.local/'),
  },
  {
    name: 'YAML: wrong indentation is not found',
    file: YAML,
    edits: [{ oldString: '  db:\n  image: postgres:16', newString: '  db:\n  image: postgres:17' }],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 0 },
  },
  {
    name: 'YAML: a block rewritten across both sections keeps each line ending',
    file: YAML,
    edits: [
      {
        oldString: '  web:\n    image: nginx:1.24\n  db:\n',
        newString: '  www:\n    image: nginx:1.25\n  database:\n',
      },
    ],
    bytes: YAML.replace(
      '  web:\r\n    image: nginx:1.24\r\n  db:\n',
      '  www:\r\n    image: nginx:1.25\r\n  database:\n',
    ),
  },
  // UTF-16
  {
    name: 'UTF-16LE with a BOM: edits and writes UTF-16LE with CRLF',
    file: utf16le('\uFEFF[Settings]\r\nTheme=Dark\r\nLang=en\r\n'),
    edits: [{ oldString: 'Theme=Dark', newString: 'Theme=Light' }],
    bytes: utf16le('\uFEFF[Settings]\r\nTheme=Light\r\nLang=en\r\n'),
  },
  {
    name: 'UTF-16LE with a BOM: an astral character goes in as a surrogate pair',
    file: utf16le('\uFEFFname=app\r\n'),
    edits: [{ oldString: 'name=app', newString: 'name=app \u{1F680}\nicon=rocket' }],
    bytes: utf16le('\uFEFFname=app \u{1F680}\r\nicon=rocket\r\n'),
  },
  {
    name: 'UTF-16BE with a BOM',
    file: utf16be('\uFEFFkey=1\nother=2\n'),
    edits: [{ oldString: 'key=1', newString: 'key=10' }],
    bytes: utf16be('\uFEFFkey=10\nother=2\n'),
  },
  {
    name: 'UTF-16LE without a BOM is refused',
    file: utf16le('[Settings]\r\nTheme=Dark\r\n'),
    edits: [{ oldString: 'Theme=Dark', newString: 'Theme=Light' }],
    error: { code: 'ERR_ENCODING' },
  },
  {
    name: 'UTF-16LE without a BOM edits with encoding: utf16le',
    file: utf16le('[Settings]\r\nTheme=Dark\r\n'),
    edits: [{ oldString: 'Theme=Dark', newString: 'Theme=Light' }],
    options: { encoding: 'utf16le' },
    bytes: utf16le('[Settings]\r\nTheme=Light\r\n'),
  },
  {
    name: 'UTF-32LE is refused, not read as UTF-16LE',
    file: Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0, 0x0a, 0, 0, 0]),
    edits: [{ oldString: 'a', newString: 'b' }],
    error: { code: 'ERR_ENCODING' },
  },
  {
    name: 'UTF-32BE is refused',
    file: Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x61, 0, 0, 0, 0x0a]),
    edits: [{ oldString: 'a', newString: 'b' }],
    error: { code: 'ERR_ENCODING' },
  },
  // Go, tabs, repeated error blocks
  {
    name: 'Go: an edit made unique only by an earlier one is an overlap, not an edit of Save',
    file: GO,
    edits: [
      {
        oldString: '\tdefer f.Close()\n\tif err != nil {',
        newString: '\tdefer f.Close()\n\tif err := check(f); err != nil {',
      },
      {
        oldString: 'if err != nil {\n\t\treturn err\n',
        newString: 'if err != nil {\n\t\treturn fmt.Errorf("load: %w", err)\n',
      },
    ],
    error: { code: 'ERR_EDIT_OVERLAP', editIndex: 1, otherIndex: 0 },
  },
  {
    name: 'Go: the repeated block alone is ambiguous',
    file: GO,
    edits: [
      {
        oldString: '\tif err != nil {\n\t\treturn err\n\t}',
        newString: '\tif err != nil {\n\t\treturn wrap(err)\n\t}',
      },
    ],
    error: { code: 'ERR_EDIT_AMBIGUOUS', editIndex: 0 },
  },
  {
    name: 'Go: expectedCount changes both repeated blocks',
    file: GO,
    edits: [{ oldString: '\t\treturn err\n', newString: '\t\treturn wrap(err)\n', expectedCount: 2 }],
    bytes: GO.replace(/\t\treturn err\n/g, '\t\treturn wrap(err)\n'),
  },
  {
    name: 'Go: the two edits merged into one apply',
    file: GO,
    edits: [
      {
        oldString: '\tdefer f.Close()\n\tif err != nil {\n\t\treturn err\n',
        newString:
          '\tdefer f.Close()\n\tif err := check(f); err != nil {\n\t\treturn fmt.Errorf("load: %w", err)\n',
      },
    ],
    bytes: GO.replace(
      '\tdefer f.Close()\n\tif err != nil {\n\t\treturn err\n',
      '\tdefer f.Close()\n\tif err := check(f); err != nil {\n\t\treturn fmt.Errorf("load: %w", err)\n',
    ),
  },
  {
    name: 'Go: spaces where the file has tabs are not found',
    file: GO,
    edits: [{ oldString: '    defer f.Close()', newString: '    defer close(f)' }],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 0 },
  },
  {
    name: 'Go: disjoint edits given bottom-up apply like top-down',
    file: GO,
    edits: [
      { oldString: '\treturn encode(f, s)', newString: '\treturn encode(f, s, opts)' },
      { oldString: 'package store', newString: 'package storage' },
    ],
    bytes: GO.replace('encode(f, s)', 'encode(f, s, opts)').replace('package store', 'package storage'),
  },
  {
    name: 'Go: a later edit cannot fix up text an earlier one inserted',
    file: GO,
    edits: [
      { oldString: 'package store\n', newString: 'package store\n\nimport "fmt"\n' },
      { oldString: 'import "fmt"', newString: 'import (\n\t"fmt"\n\t"os"\n)' },
    ],
    error: { code: 'ERR_EDIT_OVERLAP', editIndex: 1, otherIndex: 0 },
  },
  // NBSP and Unicode normalization
  {
    name: 'Markdown: a space where the file has NBSP is not found',
    file: '# Prices\n\nTotal:\u00a0100\u00a0€\n',
    edits: [{ oldString: 'Total: 100 €', newString: 'Total: 120 €' }],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 0 },
  },
  {
    name: 'Markdown: the NBSP copied exactly applies',
    file: '# Prices\n\nTotal:\u00a0100\u00a0€\n',
    edits: [{ oldString: 'Total:\u00a0100', newString: 'Total:\u00a0120' }],
    bytes: '# Prices\n\nTotal:\u00a0120\u00a0€\n',
  },
  {
    name: 'NFD text: an NFC oldString is not found',
    file: NFD_CAFE,
    edits: [{ oldString: 'Café menu', newString: 'Café carte' }],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 0 },
  },
  {
    name: 'NFD text: an NFD oldString applies and the rest stays NFD',
    file: NFD_CAFE,
    edits: [{ oldString: 'Cafe\u0301 menu', newString: 'Cafe\u0301 carte' }],
    bytes: 'Cafe\u0301 carte\nCre\u0300me bru\u0302le\u0301e\n',
  },
  // Minified JavaScript
  {
    name: 'minified JS: a unique token on one long line',
    file: MIN_JS,
    edits: [{ oldString: 'version:"1.2.0"', newString: 'version:"1.3.0"' }],
    bytes: MIN_JS.replace('1.2.0', '1.3.0'),
  },
  {
    name: 'minified JS: a repeated token is ambiguous',
    file: MIN_JS,
    edits: [{ oldString: 'return e', newString: 'return +e' }],
    error: { code: 'ERR_EDIT_AMBIGUOUS', editIndex: 0 },
  },
  {
    name: 'minified JS: replaceAll on the same line',
    file: MIN_JS,
    edits: [{ oldString: 'function(e,t)', newString: 'function(a,b)', replaceAll: true }],
    bytes: MIN_JS.replace(/function\(e,t\)/g, 'function(a,b)'),
  },
  {
    name: 'minified JS: edits next to each other on one line both apply',
    file: MIN_JS,
    edits: [
      { oldString: 'e.add=t,', newString: 'e.plus=t,' },
      { oldString: 'e.meta=n', newString: 'e.info=n' },
    ],
    bytes: MIN_JS.replace('e.add=t,', 'e.plus=t,').replace('e.meta=n', 'e.info=n'),
  },
  // Python
  {
    name: 'Python: deleting a function',
    file: PY,
    edits: [{ oldString: '\n\ndef legacy():\n    pass\n', newString: '' }],
    bytes: PY.replace('\n\ndef legacy():\n    pass\n', ''),
  },
  {
    name: 'Python: an edit sent again is already applied',
    file: PY.replace('return f.read()', 'return f.read().strip()'),
    edits: [{ oldString: '        return f.read()\n', newString: '        return f.read().strip()\n' }],
    error: { code: 'ERR_EDIT_ALREADY_APPLIED', editIndex: 0, line: 6 },
  },
  {
    name: 'Python: an already applied edit is reported, not its look-alike',
    file: 'def area(w, h):\n    return w * h * 1.0\n\n\ndef volume(w, h, d):\n    return w * h * d\n',
    edits: [
      {
        oldString: 'def area(w, h):\n    return w * h\n',
        newString: 'def area(w, h):\n    return w * h * 1.0\n',
      },
    ],
    error: { code: 'ERR_EDIT_ALREADY_APPLIED', editIndex: 0, line: 1 },
  },
  {
    name: 'Python: edits that meet at a line boundary both apply',
    file: PY,
    edits: [
      { oldString: '\n\ndef legacy():\n    pass\n', newString: '' },
      { oldString: 'return f.read()\n', newString: 'return f.read()\n\n\n__all__ = ["read_config"]\n' },
    ],
    bytes: PY.replace('\n\ndef legacy():\n    pass\n', '').replace(
      'return f.read()\n',
      'return f.read()\n\n\n__all__ = ["read_config"]\n',
    ),
  },
  // Final newline, counts, invalid edits, creation
  {
    name: 'keeps a missing final newline',
    file: 'PORT=80\nHOST=a',
    edits: [{ oldString: 'HOST=a', newString: 'HOST=b' }],
    bytes: 'PORT=80\nHOST=b',
  },
  {
    name: 'an edit may add the final newline',
    file: 'PORT=80\nHOST=a',
    edits: [{ oldString: 'HOST=a', newString: 'HOST=a\n' }],
    bytes: 'PORT=80\nHOST=a\n',
  },
  {
    name: 'JSON: expectedCount that does not match',
    file: '{\n  "a": true,\n  "b": true,\n  "c": true\n}\n',
    edits: [{ oldString: 'true', newString: 'false', expectedCount: 2 }],
    error: { code: 'ERR_EDIT_COUNT_MISMATCH', editIndex: 0 },
  },
  {
    name: 'an edit that changes nothing',
    file: 'x\n',
    edits: [{ oldString: 'x', newString: 'x' }],
    error: { code: 'ERR_EDIT_NO_OP', editIndex: 0 },
  },
  {
    name: 'snake_case keys of another tool are invalid',
    file: 'x\n',
    edits: [{ old_string: 'x', new_string: 'y' }],
    error: { code: 'ERR_EDIT_INVALID', editIndex: 0 },
  },
  {
    name: 'an empty oldString fills an empty file',
    file: '',
    edits: [{ oldString: '', newString: 'first\r\nsecond\r\n' }],
    bytes: 'first\r\nsecond\r\n',
  },
  {
    name: 'an empty oldString over a non-empty file conflicts',
    file: 'content\n',
    edits: [{ oldString: '', newString: 'other\n' }],
    error: { code: 'ERR_CONFLICT' },
  },
  {
    name: 'latin1 with an explicit encoding',
    file: Buffer.from('Gr\u00fc\u00dfe\nEnde\n', 'latin1'),
    edits: [{ oldString: 'Ende', newString: 'Fin\u00e9' }],
    options: { encoding: 'latin1' },
    bytes: Buffer.from('Gr\u00fc\u00dfe\nFin\u00e9\n', 'latin1'),
  },
  {
    name: 'invalid UTF-8 is refused',
    file: Buffer.from([0x61, 0x0a, 0xc3, 0x28, 0x0a]),
    edits: [{ oldString: 'a', newString: 'b' }],
    error: { code: 'ERR_ENCODING' },
  },
  {
    name: 'straight quotes where the file has curly ones are not found',
    file: 'She said \u201chello\u201d.\n',
    edits: [{ oldString: 'She said "hello".', newString: 'She said "bye".' }],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 0 },
  },
  {
    name: 'Makefile: a recipe line with its tab',
    file: 'build:\n\tgo build ./...\n\ntest:\n\tgo test ./...\n',
    edits: [{ oldString: '\tgo test ./...', newString: '\tgo test -race ./...' }],
    bytes: 'build:\n\tgo build ./...\n\ntest:\n\tgo test -race ./...\n',
  },
  {
    name: 'shell script: deleting a CRLF line in a mixed file',
    file: '#!/bin/sh\nset -e\r\necho start\r\nrun\n',
    edits: [{ oldString: 'echo start\n', newString: '' }],
    bytes: '#!/bin/sh\nset -e\r\nrun\n',
  },
  {
    name: 'a CRLF oldString in an LF file',
    file: 'one\ntwo\nthree\n',
    edits: [{ oldString: 'two\r\nthree', newString: '2\r\n3' }],
    bytes: 'one\n2\n3\n',
  },
  {
    name: 'eol: lf converts a CRLF file',
    file: crlf('a\nb\nc\n'),
    edits: [{ oldString: 'b', newString: 'B' }],
    options: { eol: 'lf' },
    bytes: 'a\nB\nc\n',
  },
  {
    name: 'SQL: replaceAll whose occurrence an earlier edit rewrites overlaps',
    file: 'SELECT id FROM users;\nSELECT name FROM users WHERE id = 1;\n',
    edits: [
      { oldString: 'SELECT id FROM users;', newString: 'SELECT id FROM accounts;' },
      { oldString: 'users', newString: 'members', replaceAll: true },
    ],
    error: { code: 'ERR_EDIT_OVERLAP', editIndex: 1, otherIndex: 0 },
  },
  {
    name: 'trailing spaces the oldString lacks are not found',
    file: 'key = value   \nnext = 1\n',
    edits: [{ oldString: 'key = value\nnext', newString: 'key = v\nnext' }],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 0 },
  },
  {
    name: 'a later failing edit leaves the earlier ones unwritten',
    file: CS,
    edits: [
      { oldString: 'using System;', newString: 'using System.Text;' },
      { oldString: 'namespace Contoso.Missing', newString: 'namespace X' },
    ],
    error: { code: 'ERR_EDIT_NOT_FOUND', editIndex: 1 },
  },
]

describe.each(apis)('$name: corpus of realistic edits', (api) => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })

  it.each(cases)('$name', async (c) => {
    const dir = tempDir()
    const file = join(dir, 'file')
    fsWriteFileSync(file, c.file)
    if (c.bytes !== undefined) {
      await api.edit(file, c.edits, c.options)
      expect(readFileSync(file)).toEqual(Buffer.isBuffer(c.bytes) ? c.bytes : Buffer.from(c.bytes))
      return
    }
    const before = snapshot(dir)
    const err = (await failureOf(api, () => api.call(file, c.edits, c.options))) as EditFailure & {
      otherIndex?: number
      line?: number
    }
    expect(err.code).toBe(c.error!.code)
    if (c.error!.editIndex !== undefined) expect(err.editIndex).toBe(c.error!.editIndex)
    if (c.error!.otherIndex !== undefined) expect(err.otherIndex).toBe(c.error!.otherIndex)
    if (c.error!.line !== undefined) expect(err.line).toBe(c.error!.line)
    expect(err.message).toContain('unchanged')
    expect(snapshot(dir)).toEqual(before)
  })
})
