import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { apis } from './edit-api.js'

interface Case {
  file: string
  edits: { oldString: string; newString: string }[]
  /** The file with the replacements made by hand. */
  expected: string
}

/**
 * Unique, non-overlapping substrings of `file` holding at least one lowercase letter, replaced by
 * uppercase text, inside which no later edit can match.
 */
function pickEdits(file: string, picks: [number, number, string][]): Case {
  const chosen: { start: number; end: number; newString: string }[] = []
  for (const [at, len, newString] of picks) {
    const start = at % Math.max(1, file.length)
    const end = Math.min(file.length, start + len)
    const old = file.slice(start, end)
    if (old === '' || file.indexOf(old) !== file.lastIndexOf(old)) continue
    // A letter of the file's alphabet makes it impossible to match inside an (uppercase) replacement.
    if (!/[a-h]/.test(old)) continue
    if (chosen.some((c) => start < c.end && c.start < end)) continue
    chosen.push({ start, end, newString })
  }
  let expected = ''
  let at = 0
  for (const c of [...chosen].sort((a, b) => a.start - b.start)) {
    expected += file.slice(at, c.start) + c.newString
    at = c.end
  }
  expected += file.slice(at)
  return {
    file,
    edits: chosen.map((c) => ({ oldString: file.slice(c.start, c.end), newString: c.newString })),
    expected,
  }
}

const fileText = fc.stringMatching(/^[a-h \n]{20,200}$/)
/** Non-empty, uppercase, a newline only inside: it can never be part of a later edit's match. */
const replacement = fc.stringMatching(/^[A-Z]([A-Z\n]{0,8}[A-Z])?$/)
const picks = fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 3, max: 12 }), replacement), {
  minLength: 1,
  maxLength: 8,
})
const cases = fc.tuple(fileText, picks).map(([file, p]) => pickEdits(file, p))

describe.each(apis)('$name: properties', (api) => {
  it('gives the same result as making the replacements by hand', async () => {
    const dir = tempDir()
    let n = 0
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        if (c.edits.length === 0) return
        const file = join(dir, `f${n++}.txt`)
        fsWriteFileSync(file, c.file)
        const result = await api.edit(file, c.edits, { durability: 'fast' })
        expect(readFileSync(file, 'utf8')).toBe(c.expected)
        expect(result.applied.map((a) => a.count)).toEqual(c.edits.map(() => 1))
      }),
      { numRuns: 60 },
    )
  })

  it('gives the same result in a CRLF file, with CRLF for inserted lines too', async () => {
    const dir = tempDir()
    let n = 0
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        if (c.edits.length === 0 || !c.file.includes('\n')) return
        const file = join(dir, `f${n++}.txt`)
        fsWriteFileSync(file, c.file.replace(/\n/g, '\r\n'))
        await api.edit(file, c.edits, { durability: 'fast' })
        expect(readFileSync(file, 'utf8')).toBe(c.expected.replace(/\n/g, '\r\n'))
      }),
      { numRuns: 40 },
    )
  })

  it('leaves the file byte-identical when any one edit cannot apply', async () => {
    const dir = tempDir()
    let n = 0
    await fc.assert(
      fc.asyncProperty(cases, fc.nat(), async (c, where) => {
        const file = join(dir, `f${n++}.txt`)
        fsWriteFileSync(file, c.file)
        const edits = [...c.edits]
        const at = where % (edits.length + 1)
        edits.splice(at, 0, { oldString: 'not # in the file', newString: 'x' })
        const err = await api.edit(file, edits, { durability: 'fast' }).then(
          () => undefined,
          (e: { code?: string; editIndex?: number }) => e,
        )
        expect(err?.code).toBe('ERR_EDIT_NOT_FOUND')
        expect(err?.editIndex).toBe(at)
        expect(readFileSync(file, 'utf8')).toBe(c.file)
      }),
      { numRuns: 40 },
    )
  })
})
