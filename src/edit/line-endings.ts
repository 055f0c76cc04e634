import type { Piece } from './pieces.js'

/** A line ending. */
export type Eol = '\n' | '\r\n'

/** A text with CRLF turned into LF, and where the CRLFs were. */
export interface LfText {
  /** The text with every CRLF as LF (a lone CR stays as it is). */
  lf: string
  /** Offsets in `lf` of the `\n`s that were CRLF, ascending. */
  crlf: number[]
  /** How many line endings were LF. */
  lfCount: number
  /** The first line ending, if any. */
  first: Eol | undefined
}

/** Turns CRLF into LF, recording where each CRLF was. */
export function toLf(text: string): LfText {
  const crlf: number[] = []
  const parts: string[] = []
  let lfCount = 0
  let last = 0
  let first: Eol | undefined
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) {
      parts.push(text.slice(last, i - 1))
      last = i
      crlf.push(i - 1 - crlf.length)
      first ??= '\r\n'
    } else {
      lfCount++
      first ??= '\n'
    }
  }
  if (crlf.length === 0) return { lf: text, crlf, lfCount, first }
  parts.push(text.slice(last))
  return { lf: parts.join(''), crlf, lfCount, first }
}

/** Counts CRLF and LF endings in a string. */
function count(text: string): { crlf: number; lf: number } {
  let crlf = 0
  let lf = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++
    else lf++
  }
  return { crlf, lf }
}

/**
 * The ending new lines get: the file's most common one (a tie goes to its first line's ending); for a
 * file without line endings, the most common one in the inserted strings; else LF.
 */
export function dominantEol(file: LfText, inserted: readonly string[]): Eol {
  if (file.first !== undefined) {
    if (file.crlf.length !== file.lfCount) return file.crlf.length > file.lfCount ? '\r\n' : '\n'
    return file.first
  }
  let crlf = 0
  let lf = 0
  for (const s of inserted) {
    const c = count(s)
    crlf += c.crlf
    lf += c.lf
  }
  return crlf > lf ? '\r\n' : '\n'
}

/**
 * Writes the pieces back with line endings: every `\n` of original text gets the ending it had (or
 * `force`), every `\n` of inserted text gets `inserted` (or `force`).
 */
export function withEndings(
  pieces: readonly Piece[],
  crlf: readonly number[],
  inserted: Eol,
  force?: Eol,
): string {
  const out: string[] = []
  let next = 0
  for (const p of pieces) {
    if (p.orig < 0 || force !== undefined) {
      const eol = force ?? inserted
      out.push(eol === '\n' ? p.text : p.text.replace(/\n/g, eol))
      continue
    }
    const end = p.orig + p.text.length
    while (next < crlf.length && crlf[next]! < p.orig) next++
    if (next === crlf.length || crlf[next]! >= end) {
      out.push(p.text)
      continue
    }
    let from = 0
    for (; next < crlf.length && crlf[next]! < end; next++) {
      const at = crlf[next]! - p.orig
      out.push(p.text.slice(from, at), '\r\n')
      from = at + 1
    }
    out.push(p.text.slice(from))
  }
  return out.join('')
}
