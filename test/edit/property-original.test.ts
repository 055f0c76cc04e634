import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { apis } from './edit-api.js'

interface RandomEdit {
  oldString: string
  newString: string
  replaceAll?: boolean
}

/** What a call must do: the text made by hand, or which edit fails and with which codes it may. */
type Outcome = { text: string } | { editIndex: number; codes: string[] }

/** Start offsets of the non-overlapping occurrences of `needle`, left to right (written anew here). */
function occurrences(text: string, needle: string): number[] {
  const out: number[] = []
  let from = 0
  while (from <= text.length - needle.length) {
    const at = text.indexOf(needle, from)
    if (at === -1) break
    out.push(at)
    from = at + needle.length
  }
  return out
}

/**
 * The contract, by hand: every oldString is looked up in the file as read; it must occur (exactly
 * once unless replaceAll) without sharing a character with an earlier edit's occurrences; then all
 * replacements are made on the original text.
 */
function expected(file: string, edits: readonly RandomEdit[]): Outcome {
  const taken: { start: number; end: number; insert: string }[] = []
  for (const [i, e] of edits.entries()) {
    const found = occurrences(file, e.oldString)
    if (found.length === 0) {
      return { editIndex: i, codes: ['ERR_EDIT_NOT_FOUND', 'ERR_EDIT_OVERLAP', 'ERR_EDIT_ALREADY_APPLIED'] }
    }
    const spans = found.map((s) => ({ start: s, end: s + e.oldString.length, insert: e.newString }))
    if (spans.some((s) => taken.some((t) => s.start < t.end && t.start < s.end))) {
      return { editIndex: i, codes: ['ERR_EDIT_OVERLAP'] }
    }
    if (found.length > 1 && !e.replaceAll) return { editIndex: i, codes: ['ERR_EDIT_AMBIGUOUS'] }
    taken.push(...spans)
  }
  let text = ''
  let at = 0
  for (const t of taken.sort((a, b) => a.start - b.start)) {
    text += file.slice(at, t.start) + t.insert
    at = t.end
  }
  return { text: text + file.slice(at) }
}

const fileText = fc.stringMatching(/^[a-f \n]{40,200}$/)
/** Always holds an uppercase letter, so it never equals an oldString (that would be ERR_EDIT_NO_OP). */
const newText = fc.stringMatching(/^[a-f \n]{0,4}[A-F][a-fA-F \n]{0,6}$/)

/** Edits whose oldStrings are mostly cut from the file (so most apply), some made up. */
const cases = fileText.chain((file) => {
  const oldString = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 3, max: 10 })) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-f \n]{1,6}$/) },
  )
  const edit = fc.record({
    old: oldString,
    newString: newText,
    replaceAll: fc.nat(3).map((x) => x === 0),
  })
  return fc
    .tuple(
      fc.constant(file),
      fc.array(edit, { minLength: 1, maxLength: 4 }),
      // Spread: the k-th of m cut oldStrings starts in the k-th m-th of the file, so fewer overlap.
      fc.boolean(),
    )
    .map(([file, raw, spread]) => {
      const share = Math.max(1, Math.floor(file.length / raw.length))
      const edits = raw
        .map(({ old, newString, replaceAll }, k): RandomEdit | undefined => {
          let oldString = old as string
          if (Array.isArray(old)) {
            const [at, len] = old as [number, number]
            const start =
              file.length === 0 ? 0 : spread ? (k * share + (at % share)) % file.length : at % file.length
            oldString = file.slice(start, start + len)
          }
          if (oldString === '') return undefined
          return replaceAll ? { oldString, newString, replaceAll } : { oldString, newString }
        })
        .filter((e): e is RandomEdit => e !== undefined)
      return [file, edits] as const
    })
})

/** Lines with their own endings, and edits each rewriting one whole line whose text is unique. */
const mixedCases = fc
  .tuple(
    fc.array(fc.tuple(fc.stringMatching(/^[a-f ]{1,12}$/), fc.constantFrom('\n', '\r\n')), {
      minLength: 2,
      maxLength: 20,
    }),
    fc.array(fc.tuple(fc.nat(), newText), { minLength: 1, maxLength: 4 }),
  )
  .map(([lines, picks]) => {
    const lf = lines.map(([text]) => `${text}\n`).join('')
    const chosen = new Map<number, string>()
    for (const [at, newString] of picks) {
      const i = at % lines.length
      if (occurrences(lf, lines[i]![0]).length === 1) chosen.set(i, newString)
    }
    const raw = lines.map(([text, eol]) => text + eol).join('')
    // By hand: each line keeps its ending, and so do the lines a newString splits it into.
    const expectedRaw = lines
      .map(([text, eol], i) => (chosen.has(i) ? chosen.get(i)!.replace(/\n/g, eol) : text) + eol)
      .join('')
    const edits = [...chosen].map(([i, newString]) => ({ oldString: lines[i]![0], newString }))
    return { raw, edits, expectedRaw }
  })

describe.each(apis)('$name: random edits against the file as read', (api) => {
  async function check(
    dir: string,
    name: string,
    bytes: Buffer,
    edits: RandomEdit[],
    want: Outcome,
    eol: string,
  ) {
    const file = join(dir, name)
    fsWriteFileSync(file, bytes)
    const result = await api.edit(file, edits, { durability: 'fast' }).then(
      () => undefined,
      (e: { code?: string; editIndex?: number }) => e,
    )
    if ('text' in want) {
      expect(result).toBeUndefined()
      expect(readFileSync(file)).toEqual(Buffer.from(want.text.replace(/\n/g, eol)))
    } else {
      expect(want.codes).toContain(result?.code)
      expect(result?.editIndex).toBe(want.editIndex)
      expect(readFileSync(file)).toEqual(bytes)
    }
  }

  it('apply exactly like replacing by hand in the original, or fail leaving the file byte-identical', async () => {
    const dir = tempDir()
    let n = 0
    await fc.assert(
      fc.asyncProperty(cases, async ([text, edits]) => {
        if (edits.length === 0) return
        await check(dir, `f${n++}.txt`, Buffer.from(text), edits, expected(text, edits), '\n')
      }),
      { numRuns: 150 },
    )
  })

  it('do the same in a CRLF file, the lines they add written with CRLF', async () => {
    const dir = tempDir()
    let n = 0
    await fc.assert(
      fc.asyncProperty(cases, async ([text, edits]) => {
        if (edits.length === 0 || !text.includes('\n')) return
        const bytes = Buffer.from(text.replace(/\n/g, '\r\n'))
        await check(dir, `f${n++}.txt`, bytes, edits, expected(text, edits), '\r\n')
      }),
      { numRuns: 100 },
    )
  })

  it('keep every line ending of a mixed file, a rewritten line splitting into lines with its own', async () => {
    const dir = tempDir()
    let n = 0
    await fc.assert(
      fc.asyncProperty(mixedCases, async (c) => {
        if (c.edits.length === 0) return
        const file = join(dir, `m${n++}.txt`)
        fsWriteFileSync(file, c.raw)
        await api.edit(file, c.edits, { durability: 'fast' })
        expect(readFileSync(file, 'utf8')).toBe(c.expectedRaw)
      }),
      { numRuns: 100 },
    )
  })
})
