import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonErrorOffset } from '../../src/formats/json-syntax.js'

/** What JSON.parse says about `text`: valid, or the position it names (the end for an early end). */
function nativeVerdict(text: string): { valid: true } | { valid: false; position: number | undefined } {
  try {
    JSON.parse(text)
    return { valid: true }
  } catch (err) {
    const message = (err as Error).message
    const match = /position (\d+)/.exec(message)
    if (match) return { valid: false, position: Number(match[1]) }
    return { valid: false, position: /Unexpected end/.test(message) ? text.length : undefined }
  }
}

const pieces = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  'u',
  '0',
  '1',
  '9',
  '-',
  '+',
  '.',
  'e',
  'E',
  'true',
  'false',
  'null',
  'tru',
  'nul',
  ' ',
  '\n',
  '\r',
  '\t',
  '\0',
  'x',
  'a',
  'F',
  '/',
  '"a"',
  '"\\u00e9"',
]

/** Valid JSON with random edits: deletions, insertions and truncations. */
const edited = fc
  .tuple(
    fc.json(),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'cut'), fc.constantFrom(...pieces)), {
      maxLength: 3,
    }),
  )
  .map(([text, edits]) => {
    let t = text
    for (const [at, kind, piece] of edits) {
      const p = at % (t.length + 1)
      if (kind === 'delete') t = t.slice(0, p) + t.slice(p + 1)
      else if (kind === 'insert') t = t.slice(0, p) + piece + t.slice(p)
      else t = t.slice(0, p)
    }
    return t
  })

const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join(''))

describe('jsonErrorOffset', () => {
  it('returns -1 exactly for the texts JSON.parse accepts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), edited, soup), (text) => {
        expect(jsonErrorOffset(text) === -1).toBe(nativeVerdict(text).valid)
      }),
      { numRuns: 3000 },
    )
  })

  it('agrees with the position JSON.parse names, where it names one', () => {
    fc.assert(
      fc.property(fc.oneof(edited, soup), (text) => {
        const verdict = nativeVerdict(text)
        if (verdict.valid || verdict.position === undefined) return
        expect(jsonErrorOffset(text)).toBe(verdict.position)
      }),
      { numRuns: 3000 },
    )
  })

  it.each([
    ['[1,2,]', 5],
    ['{"a": tru}', 9],
    ['\0\0\0', 0],
    ['<html>', 0],
    ['', 0],
    ['  ', 2],
    ['{"a": "\\u12', 11],
    ['{"a": "\\u12G"}', 11],
    ['[[[[[[[[[[1]]]]]]]]]]]', 21],
  ])('finds where %j goes wrong: offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset)
  })

  it('scans nesting deeper than the call stack allows', () => {
    const deep = `${'['.repeat(200_000)}1${']'.repeat(200_000)}`
    expect(jsonErrorOffset(deep)).toBe(-1)
    expect(jsonErrorOffset(`${deep.slice(0, -1)},]`)).toBe(deep.length)
  })
})
