import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PieceText, type Replacement } from '../../src/edit/pieces.js'

/** Sorted, non-overlapping replacements within a text of `length` characters. */
function replacementsFor(length: number, cuts: number[], inserts: string[]): Replacement[] {
  const points = [...new Set(cuts.map((c) => c % (length + 1)))].sort((a, b) => a - b)
  const out: Replacement[] = []
  for (let i = 0; i + 1 < points.length; i += 2) {
    out.push({ start: points[i]!, end: points[i + 1]!, insert: inserts[i % inserts.length] ?? '' })
  }
  return out
}

describe('PieceText', () => {
  it('keeps text, original offsets and inserted ranges consistent through random replacements', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.tuple(fc.array(fc.nat(100), { maxLength: 8 }), fc.array(fc.string({ maxLength: 5 }))), {
          maxLength: 5,
        }),
        (original, rounds) => {
          const doc = new PieceText(original)
          let expected = original
          rounds.forEach(([cuts, inserts], edit) => {
            const reps = replacementsFor(expected.length, cuts, inserts)
            let next = ''
            let at = 0
            for (const r of reps) {
              next += expected.slice(at, r.start) + r.insert
              at = r.end
            }
            expected = next + expected.slice(at)
            doc.replace(reps, edit)
          })
          expect(doc.text).toBe(expected)
          expect(doc.pieces.map((p) => p.text).join('')).toBe(expected)
          let lastOrig = -1
          for (const p of doc.pieces) {
            expect(p.text).not.toBe('')
            if (p.orig >= 0) {
              expect(original.slice(p.orig, p.orig + p.text.length)).toBe(p.text)
              expect(p.orig).toBeGreaterThan(lastOrig)
              lastOrig = p.orig
            }
          }
          for (const r of doc.inserted()) expect(doc.pieces.some((p) => p.edit === r.edit)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('marks inserted text with the edit that inserted it', () => {
    const doc = new PieceText('hello world')
    doc.replace([{ start: 5, end: 6, insert: ', ' }], 0)
    doc.replace([{ start: 0, end: 1, insert: 'J' }], 1)
    expect(doc.text).toBe('Jello, world')
    expect(doc.inserted()).toEqual([
      { start: 0, end: 1, edit: 1 },
      { start: 5, end: 7, edit: 0 },
    ])
  })
})
