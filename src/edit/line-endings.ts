import type { Piece, Replacement } from './pieces.js'

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

/** Above this many cells the lines of a replaced part are paired by position, not by a diff. */
const MAX_ALIGN_CELLS = 1 << 20

/** Walks the `\n`s of a text forward, for positions that never decrease. */
class NewlineCursor {
  readonly #text: string
  /** The last `\n` before the position reached, or -1. */
  prev = -1
  /** The first `\n` at or after the position reached, or -1. */
  next: number

  constructor(text: string) {
    this.#text = text
    this.next = text.indexOf('\n')
  }

  /** Moves to `pos`: afterwards `prev < pos <= next` (or -1). */
  advance(pos: number): void {
    while (this.next !== -1 && this.next < pos) this.step()
  }

  /** Moves past `next`. */
  step(): void {
    this.prev = this.next
    this.next = this.#text.indexOf('\n', this.next + 1)
  }
}

/** The ending the `\n` at `offset` of the LF text had. */
function endingAt(file: LfText, offset: number): Eol {
  const crlf = file.crlf
  let lo = 0
  let hi = crlf.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (crlf[mid]! < offset) lo = mid + 1
    else hi = mid
  }
  return crlf[lo] === offset ? '\r\n' : '\n'
}

function newlines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++
  return n
}

/**
 * Pairs the lines of the new text with those of the replaced one (a line diff): a line kept gets
 * its own old ending, a changed line the ending of the old line in its place, an added line that of
 * the line above it (else below). `olds[i]` ends old line `i`; the last one is the ending after the
 * replaced part. Returns the endings of the first `count` new lines.
 */
function alignedEndings(oldText: string, newText: string, olds: readonly Eol[], count: number): Eol[] {
  const o = oldText.split('\n')
  const n = newText.split('\n')
  const k = o.length - 1
  const result: Eol[] = new Array<Eol>(count)
  const w = n.length + 1
  if ((o.length + 1) * w > MAX_ALIGN_CELLS) {
    for (let b = 0; b < count; b++) result[b] = olds[Math.min(b, k)]!
    return result
  }
  const lcs = new Uint32Array((o.length + 1) * w)
  for (let a = o.length - 1; a >= 0; a--) {
    for (let b = n.length - 1; b >= 0; b--) {
      lcs[a * w + b] =
        o[a] === n[b] ? lcs[(a + 1) * w + b + 1]! + 1 : Math.max(lcs[(a + 1) * w + b]!, lcs[a * w + b + 1]!)
    }
  }
  const at = (a: number, b: number) => lcs[a * w + b]!
  const removed: number[] = []
  const added: number[] = []
  let above = -1
  const flush = (below: number) => {
    added.forEach((b, t) => {
      if (b >= count) return
      const from = removed.length > 0 ? removed[Math.min(t, removed.length - 1)]! : above >= 0 ? above : below
      result[b] = olds[from]!
    })
    removed.length = 0
    added.length = 0
  }
  let a = 0
  let b = 0
  while (a < o.length || b < n.length) {
    if (a < o.length && b < n.length && o[a] === n[b] && at(a, b) === at(a + 1, b + 1) + 1) {
      flush(a)
      if (b < count) result[b] = olds[a]!
      above = a++
      b++
    } else if (b === n.length || (a < o.length && at(a + 1, b) >= at(a, b + 1))) removed.push(a++)
    else added.push(b++)
  }
  flush(k)
  return result
}

/**
 * The endings of the `\n`s a replacement inserts: each line keeps the ending of the line it
 * replaces, new lines that of their neighbours, in mixed files too; `fallback` when the file has
 * no line ending to take one from. The lines are those of the whole replacement, before its common
 * ends with the replaced text were trimmed.
 */
function insertedEndings(file: LfText, cursor: NewlineCursor, r: Replacement, fallback: Eol): Eol[] {
  const count = newlines(r.insert)
  if (count === 0) return []
  const whole = r.whole ?? r
  cursor.advance(whole.start)
  const before = cursor.prev
  const olds: Eol[] = []
  while (cursor.next !== -1 && cursor.next < whole.end) {
    olds.push(endingAt(file, cursor.next))
    cursor.step()
  }
  const after =
    cursor.next !== -1
      ? endingAt(file, cursor.next)
      : olds.length > 0
        ? olds[olds.length - 1]!
        : before !== -1
          ? endingAt(file, before)
          : fallback
  olds.push(after)
  if (olds.every((e) => e === after)) return new Array<Eol>(count).fill(after)
  const skip = newlines(whole.insert.slice(0, r.start - whole.start))
  const all = alignedEndings(file.lf.slice(whole.start, whole.end), whole.insert, olds, skip + count)
  return all.slice(skip)
}

function withEols(text: string, endings: readonly Eol[]): string {
  const out: string[] = []
  let from = 0
  let i = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    out.push(text.slice(from, at), endings[i++]!)
    from = at + 1
  }
  out.push(text.slice(from))
  return out.join('')
}

/**
 * Writes the pieces back with line endings: every `\n` of text as read gets the ending it had, every
 * `\n` of inserted text the ending of the line it replaces or of its neighbours (see
 * {@link insertedEndings}), or all of them `force`.
 */
export function withEndings(pieces: readonly Piece[], file: LfText, fallback: Eol, force?: Eol): string {
  const crlf = file.crlf
  const cursor = new NewlineCursor(file.lf)
  const out: string[] = []
  let next = 0
  for (const p of pieces) {
    if (force !== undefined) {
      out.push(force === '\n' ? p.text : p.text.replace(/\n/g, force))
      continue
    }
    if (p.orig < 0) {
      const endings = insertedEndings(file, cursor, p.from!, fallback)
      out.push(endings.length === 0 || endings.every((e) => e === '\n') ? p.text : withEols(p.text, endings))
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
