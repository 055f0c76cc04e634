import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { joined, type Replacement, splice } from '../../src/edit/pieces.js'

/** Sorted, disjoint replacements (insertions included) within a text of `length` characters. */
function replacementsFor(length: number, cuts: number[], inserts: string[]): Replacement[] {
  const points = cuts.map((c) => c % (length + 1)).sort((a, b) => a - b)
  const out: Replacement[] = []
  for (let i = 0; i + 1 < points.length; i += 2) {
    out.push({ start: points[i]!, end: points[i + 1]!, insert: inserts[i % inserts.length] ?? '', edit: i })
  }
  return out
}

describe('splice', () => {
  it('makes every replacement in one pass, keeping where each run of original text was', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.nat(100), { maxLength: 10 }),
        fc.array(fc.string({ maxLength: 5 })),
        (original, cuts, inserts) => {
          const reps = replacementsFor(original.length, cuts, inserts)
          let expected = ''
          let at = 0
          for (const r of reps) {
            expected += original.slice(at, r.start) + r.insert
            at = r.end
          }
          expected += original.slice(at)
          const pieces = splice(original, reps)
          expect(joined(pieces)).toBe(expected)
          let lastOrig = -1
          for (const p of pieces) {
            expect(p.text).not.toBe('')
            if (p.orig >= 0) {
              expect(original.slice(p.orig, p.orig + p.text.length)).toBe(p.text)
              expect(p.orig).toBeGreaterThan(lastOrig)
              lastOrig = p.orig
            } else expect(reps).toContain(p.from)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('marks inserted text with the replacement it comes from, insertions at one offset in order', () => {
    const a = { start: 5, end: 5, insert: '!', edit: 1 }
    const b = { start: 5, end: 6, insert: ', ', edit: 0 }
    const pieces = splice('hello world', [a, b])
    expect(joined(pieces)).toBe('hello!, world')
    expect(pieces.filter((p) => p.orig < 0).map((p) => p.from)).toEqual([a, b])
  })
})
