import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findNearMatch, searchWork } from '../../src/edit/near-match.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

/** Steps the near-match search takes on one input. */
function stepsOf(text: string, old: string): number {
  const before = searchWork.steps
  findNearMatch(text, old)
  return searchWork.steps - before
}

/** At most this many steps per character of file and oldString, whatever the input. */
const PER_CHAR = 12

const MB = 1 << 20
const old200 = 'const value = computeSomething(alpha, beta, gamma) // a comment that makes it long enough '
  .repeat(3)
  .slice(0, 200)

const pathological: [string, string, string][] = [
  [
    'blank lines with \\r\\r\\n breaks and an absent blank-line oldString',
    '\r\n'.repeat(46),
    `${'\n'.repeat(32)}x`,
  ],
  ['200 000 spaces and an indented oldString', ' '.repeat(200_000), '\tx'],
  ['200 000 spaces and a two-line indented oldString', ' '.repeat(200_000), ' a \n b '],
  ['2 MiB of newlines and a 200-character oldString', '\n'.repeat(2 * MB), old200],
  ['one 2 MiB line and a 200-character oldString', 'ab'.repeat(MB), old200],
  [
    'one 2 MiB line of the oldString almost repeated',
    `${'abcd'.repeat(49)}abc!`.repeat(10_000),
    'abcd'.repeat(50),
  ],
  ['a periodic text and a periodic oldString', 'a'.repeat(MB), `${'a'.repeat(5000)}b`],
  ['2 MiB of curly quotes, dashes and ellipses', '“—…’'.repeat(MB / 4), '"-...\'x'],
  ['2 MiB of decomposed accents', 'e\u0301'.repeat(MB), `${'é'.repeat(100)}x`],
  ['2 MiB of NBSP-separated words', 'word\u00a0'.repeat(MB / 5), 'word word wort'],
  ['numbered lines against 2 MiB of numbers', '1\t\n'.repeat(MB / 3), '1\tx\n2\ty\n3\tz'],
  ['elided lines against a file of the parts repeated', 'a\nb\n'.repeat(MB / 4), 'a\n...\nb\n...\nc'],
  ['a huge oldString against a short file', 'short file\n', 'x'.repeat(MB)],
  ['words separated by a megabyte of spaces', `a${' '.repeat(MB)}b`, 'a b c'],
]

describe('near-match search cost', () => {
  it.each(pathological)('takes linear work on %s', (_name, text, old) => {
    const steps = stepsOf(text, old)
    expect(steps).toBeGreaterThan(0)
    expect(steps).toBeLessThanOrEqual(PER_CHAR * (text.length + old.length) + 1000)
  })

  it('does work proportional to the file: ten times the file, at most ten times the steps', () => {
    const shape = (n: number) => 'x = 1\r\n\r\n  \t\n'.repeat(n)
    const small = stepsOf(shape(10_000), '\tx = 2\n\n\ty = 3')
    const large = stepsOf(shape(100_000), '\tx = 2\n\n\ty = 3')
    expect(large).toBeLessThanOrEqual(10.5 * small)
  })

  it('finds a window of a minified one-line file, not the whole line', () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `function f${i}(a,b){return a+b*${i}}`)
    const minified = parts.join(';')
    expect(minified.length).toBeGreaterThan(70_000)
    const old = 'function f1234(a,b){return a-b*1234}'
    const report = findNearMatch(minified, old)
    expect(report.nearMatch?.line).toBe(1)
    expect(report.nearMatch?.text.length).toBeLessThanOrEqual(2 * old.length)
    expect(report.nearMatch?.text).toContain('f1234(a,b){return a+b*1234}')
    expect(minified).toContain(report.nearMatch!.text)
    expect(report.nearMatch?.similarity).toBeGreaterThan(0.8)
  })
})

describe.each(apis)('$name: bounded near-match search', (api) => {
  it('fails at once with ERR_EDIT_NOT_FOUND on blank lines broken by \\r\\r\\n', async () => {
    const dir = tempDir()
    const file = join(dir, 'blank.txt')
    writeFileSync(file, '\r\r\n'.repeat(46))
    const before = snapshot(dir)
    const start = searchWork.steps
    const err = await failureOf(api, () =>
      api.call(file, [{ oldString: `${'\n'.repeat(32)}x`, newString: 'y' }]),
    )
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    expect(searchWork.steps - start).toBeLessThan(PER_CHAR * 200)
    expect(snapshot(dir)).toEqual(before)
  })
})

describe('near-match search on random inputs', () => {
  it('never throws, reports text of the file at its line, and does linear work', () => {
    let s = 12345
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2147483648
      return s / 2147483648
    }
    const alphabet = [
      'a',
      'b',
      ' ',
      '\t',
      '\n',
      '\r',
      '\u00a0',
      '“',
      '"',
      '’',
      '—',
      '-',
      '…',
      '.',
      'e\u0301',
      'é',
      '\u200b',
      '\ufeff',
      '😀',
      '1',
      '│',
      '→',
    ]
    const word = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')
    for (let round = 0; round < 400; round++) {
      const text = word(Math.floor(rand() * 400))
      const old =
        rand() < 0.5 && text.length > 4
          ? text.slice(Math.floor((rand() * text.length) / 2)).slice(0, 1 + Math.floor(rand() * 40))
          : word(1 + Math.floor(rand() * 30))
      const before = searchWork.steps
      const report = findNearMatch(text, old)
      expect(searchWork.steps - before, `round ${round}`).toBeLessThanOrEqual(
        PER_CHAR * (text.length + old.length) + 1000,
      )
      if (report.nearMatch) {
        const { line, text: found } = report.nearMatch
        const at =
          text
            .split('\n')
            .slice(0, line - 1)
            .join('\n').length + (line > 1 ? 1 : 0)
        expect(text.indexOf(found, at), `round ${round}`).toBeGreaterThanOrEqual(at)
        expect(text.lastIndexOf('\n', text.indexOf(found, at) - 1) + 1, `round ${round}`).toBe(at)
      }
    }
  })
})
