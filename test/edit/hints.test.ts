import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyze, escaped } from '../../src/edit/hints.js'
import { findNearMatch, withoutLineNumbers } from '../../src/edit/near-match.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

/** The near match of `old` in `file`, which must be exactly the file's text at the reported line. */
function near(file: string, old: string) {
  const report = findNearMatch(file, old)
  expect(report.nearMatch).toBeDefined()
  expect(file).toContain(report.nearMatch!.text)
  const lines = file.split('\n')
  expect(lines.slice(report.nearMatch!.line - 1).join('\n')).toContain(report.nearMatch!.text)
  return { ...report, nearMatch: report.nearMatch!, hint: report.hint ?? '' }
}

describe('hints naming the invisible difference', () => {
  it('names a no-break space, escaped, with its line', () => {
    const r = near('const a = 1\nconst greeting = "hello\u00a0world"\n', 'const greeting = "hello world"')
    expect(r.nearMatch).toEqual({ line: 2, similarity: 1, text: 'const greeting = "hello\u00a0world"' })
    expect(r.hint).toContain('line 2')
    expect(r.hint).toContain('no-break space')
    expect(r.hint).toContain('\\u00a0')
    expect(r.differences).toEqual(['spaces'])
  })

  it('names other Unicode spaces (narrow no-break, ideographic)', () => {
    const r = near('price:\u202f10\u3000EUR\n', 'price: 10 EUR')
    expect(r.hint).toContain('narrow no-break space')
    expect(r.hint).toContain('\\u202f')
  })

  it('names composed text in the file where oldString is decomposed (NFC vs NFD)', () => {
    const r = near('x = 1\ncafé = "crème"\n', 'cafe\u0301 = "cre\u0300me"')
    expect(r.nearMatch.text).toBe('café = "crème"')
    expect(r.hint).toContain('Unicode normalization')
    expect(r.hint).toContain('line 2')
    expect(r.hint).toContain('\\u00e9')
    expect(r.hint).toContain('e\\u0301')
    expect(r.hint).toContain('composed (NFC)')
    expect(r.differences).toEqual(['unicode-normalization'])
  })

  it('names decomposed text in the file where oldString is composed (NFD vs NFC)', () => {
    const r = near('name = "Zoe\u0308"\n', 'name = "Zoë"')
    expect(r.nearMatch.text).toBe('name = "Zoe\u0308"')
    expect(r.hint).toContain('decomposed (NFD)')
  })

  it('names curly double quotes inside text where oldString has straight ones', () => {
    const r = near('print(“bye ”)\n', 'print("bye ")')
    expect(r.nearMatch.text).toBe('print(“bye ”)')
    expect(r.hint).toContain('curly quotes where oldString has straight ones')
    expect(r.hint).toContain('double')
    expect(r.hint).toContain('\\u201c')
  })

  it('names curly single quotes (an apostrophe) where oldString has straight ones', () => {
    const r = near('# It’s done\n', "# It's done")
    expect(r.hint).toContain('single')
    expect(r.hint).toContain('right single quote')
    expect(r.hint).toContain('\\u2019')
  })

  it('names straight quotes in the file where oldString has curly ones', () => {
    const r = near("say 'hi'\n", 'say ‘hi’')
    expect(r.hint).toContain('straight quotes where oldString has curly ones')
  })

  it('names an em dash and an en dash where oldString has hyphens', () => {
    const r = near('Pages 1–5 — see below\n', 'Pages 1-5 - see below')
    expect(r.hint).toContain('en dash')
    expect(r.hint).toContain('\\u2013')
    expect(r.hint).toContain('(and 1 more place)')
    expect(r.differences).toEqual(['dashes'])
  })

  it('names a minus sign where oldString has a hyphen', () => {
    const r = near('x = \u22121\n', 'x = -1')
    expect(r.hint).toContain('minus sign')
  })

  it('names an ellipsis character where oldString has three dots, and the reverse', () => {
    expect(near('Loading…\n', 'Loading...').hint).toContain('\\u2026')
    const back = near('Loading...\n', 'Loading…')
    expect(back.nearMatch.text).toBe('Loading...')
    expect(back.differences).toEqual(['ellipsis'])
  })

  it('says the file has no final newline where oldString ends with one', () => {
    const r = near('first\nlast line', 'last line\n')
    expect(r.nearMatch).toEqual({ line: 2, similarity: 1, text: 'last line' })
    expect(r.hint).toContain('without a line break')
    expect(r.hint).toContain('"\\n"')
    expect(r.differences).toEqual(['final-newline'])
  })

  it('names a run of inner whitespace that oldString collapsed', () => {
    const r = near('const x  =   1 // aligned\n', 'const x = 1 // aligned')
    expect(r.nearMatch.text).toBe('const x  =   1 // aligned')
    expect(r.hint).toContain('inner whitespace')
    expect(r.hint).toContain('2 spaces')
  })

  it('names an indentation shift of the whole block with its lines', () => {
    const file = 'def f():\n    if x:\n        y = 1\n    return y\n'
    const r = near(file, '  if x:\n      y = 1\n  return y')
    expect(r.nearMatch).toEqual({ line: 2, similarity: 1, text: '    if x:\n        y = 1\n    return y' })
    expect(r.hint).toContain('lines 2–4')
    expect(r.hint).toContain('2 spaces more')
  })

  it('names tabs in the file where oldString indents with spaces', () => {
    const r = near('func f() {\n\treturn 1\n}\n', '    return 1')
    expect(r.nearMatch.text).toBe('\treturn 1')
    expect(r.hint).toContain('1 tab where oldString has 4 spaces')
  })

  it('names trailing whitespace in the file, with its line', () => {
    const r = near('a();\nfoo();  \nbar();\n', 'foo();\nbar();')
    expect(r.nearMatch.text).toBe('foo();  \nbar();')
    expect(r.hint).toContain('trailing whitespace: line 2')
    expect(r.differences).toEqual(['trailing-whitespace'])
  })

  it('names stray carriage returns', () => {
    const r = near('a\nbefore\r\r\nafter\n', 'before\nafter')
    expect(r.hint).toContain('"\\r\\r\\n"')
    expect(r.differences).toEqual(['line-endings'])
  })

  it('names an invisible zero-width space', () => {
    const r = near('const total\u200b = 1\n', 'const total = 1')
    expect(r.nearMatch.text).toBe('const total\u200b = 1')
    expect(r.hint).toContain('zero-width space')
    expect(r.hint).toContain('\\u200b')
  })

  it('names several differences at once, each with its line', () => {
    const file = 'top\n\tlet s = ‘x’ — “y”\u00a0z\nend\n'
    const r = near(file, '    let s = \'x\' - "y" z\nend')
    expect(r.differences).toEqual(['indentation', 'quotes', 'dashes', 'spaces'])
    expect(r.hint).toContain('line 2')
    expect(r.nearMatch.text).toBe('\tlet s = ‘x’ — “y”\u00a0z\nend')
  })

  it.each([
    ['box-drawing bars', '12│ foo()\n13│ bar()', '12\\u2502 '],
    ['tabs (cat -n)', '    12\tfoo()\n    13\tbar()\n', '12\\t'],
    ['arrows', '    12→foo()\n    13→bar()', '12\\u2192'],
  ])('names line-number prefixes copied from a read (%s)', (_name, old, prefix) => {
    const file = `${'x\n'.repeat(11)}foo()\nbar()\nbaz()\n`
    const r = near(file, old)
    expect(r.nearMatch.line).toBe(12)
    expect(r.nearMatch.text).toMatch(/^foo\(\)\nbar\(\)\n?$/)
    expect(r.hint).toContain('line numbers')
    expect(r.hint).toContain(prefix)
    expect(r.differences).toEqual(['line-numbers'])
  })

  it('does not take numbers that do not count up for line-number prefixes', () => {
    expect(withoutLineNumbers('12\tfoo\n14\tbar')).toBeUndefined()
    expect(withoutLineNumbers('12: foo')).toBeUndefined()
    expect(withoutLineNumbers('7\u2502 foo\n8\u2502 bar')?.text).toBe('foo\nbar')
  })

  it('names elided lines and the lines of the file they stand for', () => {
    const file = 'intro\nfunction a() {\n  one()\n  two()\n  three()\n}\n'
    const r = near(file, 'function a() {\n  // ... existing code ...\n}')
    expect(r.nearMatch.line).toBe(2)
    expect(r.nearMatch.text).toBe('function a() {\n  one()\n  two()\n  three()\n}')
    expect(r.hint).toContain('omitted')
    expect(r.hint).toContain('line 2')
    expect(r.hint).toContain('lines 3–5')
    expect(r.differences).toEqual(['elided-lines'])
  })

  it('escapes every character outside printable ASCII', () => {
    expect(escaped('a\u00a0b\u200b"\n')).toBe('"a\\u00a0b\\u200b\\"\\n"')
  })

  it('reports each difference with the characters of both sides', () => {
    const { found } = analyze('a\u00a0b “c”', 'a b "c"', 7)
    expect(found).toEqual([
      { kind: 'spaces', line: 7, file: '\u00a0', old: ' ' },
      { kind: 'quotes', line: 7, file: '“', old: '"' },
      { kind: 'quotes', line: 7, file: '”', old: '"' },
    ])
  })
})

describe.each(apis)('$name: ERR_EDIT_NOT_FOUND names the invisible difference', (api) => {
  async function notFound(content: string | Buffer, oldString: string) {
    const dir = tempDir()
    const file = join(dir, 'notes.md')
    writeFileSync(file, content)
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, [{ oldString, newString: 'replaced' }]))
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    expect(snapshot(dir)).toEqual(before)
    return err
  }

  it('a no-break space in a CRLF file', async () => {
    const err = await notFound('# Title\r\nHello\u00a0world\r\n', 'Hello world')
    expect(err.nearMatch).toEqual({ line: 2, similarity: 1, text: 'Hello\u00a0world' })
    expect(err.hint).toContain('\\u00a0')
    expect(err.message).toContain('\\u00a0')
  })

  it('decomposed accents in the file', async () => {
    const err = await notFound(Buffer.from('Re\u0301sume\u0301\n', 'utf8'), 'Résumé')
    expect(err.nearMatch?.text).toBe('Re\u0301sume\u0301')
    expect(err.hint).toContain('decomposed (NFD)')
  })

  it('line numbers copied from a read', async () => {
    const err = await notFound('alpha\nbeta\ngamma\n', '     2→beta\n     3→gamma')
    expect(err.nearMatch?.line).toBe(2)
    expect(err.nearMatch?.text).toBe('beta\ngamma')
    expect(err.hint).toContain('line numbers')
  })

  it('a missing final newline', async () => {
    const err = await notFound('alpha\nbeta', 'beta\n')
    expect(err.nearMatch?.text).toBe('beta')
    expect(err.hint).toContain('without a line break')
  })
})

describe('near matches of random look-alike blocks', () => {
  it('give the exact text of the block and its line, with a hint', () => {
    let s = 7
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2147483648
      return s / 2147483648
    }
    const fancy = [
      '“a”',
      '‘b’',
      '1–2',
      'c — d',
      'e\u00a0f',
      'Re\u0301sume\u0301',
      'wait…',
      'g\u200bh',
      'i  j',
    ]
    for (let round = 0; round < 150; round++) {
      const lines = Array.from(
        { length: 40 },
        (_, i) =>
          `${'  '.repeat(Math.floor(rand() * 3))}line${i} ${fancy[Math.floor(rand() * fancy.length)]}`,
      )
      const file = `${lines.join('\n')}\n`
      const from = Math.floor(rand() * 36)
      const block = lines.slice(from, from + 1 + Math.floor(rand() * 3))
      const old = block
        .map((l) =>
          l
            .trim()
            .replace(/[“”]/g, '"')
            .replace(/[‘’]/g, "'")
            .replace(/[–—]/g, '-')
            .replace(/\u00a0|\s+/g, ' ')
            .replace(/…/g, '...')
            .replace(/\u200b/g, '')
            .normalize('NFC'),
        )
        .join('\n')
      const report = findNearMatch(file, old)
      expect(report.nearMatch?.line, `round ${round}`).toBe(from + 1)
      const text = block.join('\n')
      expect(report.nearMatch?.text, `round ${round}`).toBe(
        block[0]!.startsWith(' ') ? text.trimStart() : text,
      )
      if (text.trim() !== old) expect(report.hint, `round ${round}`).toContain(`line ${from + 1}`)
    }
  })
})
