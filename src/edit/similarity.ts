/**
 * Loose text: a text read without regard to the differences a model cannot see — indentation,
 * trailing and repeated whitespace, line-break style, curly quotes, dashes, `…`, no-break and other
 * Unicode spaces, invisible characters and Unicode normalization — and a bounded similarity over it.
 * Everything here reads its input once, left to right, and keeps no more than the needle in memory.
 */

/** Work done by the near-match search, in steps (characters read and comparisons made); a test seam. */
export const searchWork = { steps: 0 }

/** Characters read as one ASCII character. */
const AS_ASCII = new Map<number, number>([
  ...[0x2018, 0x2019, 0x201a, 0x201b, 0x2032].map((c): [number, number] => [c, 0x27]),
  ...[0x201c, 0x201d, 0x201e, 0x201f, 0x2033].map((c): [number, number] => [c, 0x22]),
  ...[0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212].map((c): [number, number] => [c, 0x2d]),
])

/** Spaces and tabs of any kind (not line breaks). */
export function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  )
}

/** Characters that take no room: BOM, zero-width space and joiners, word joiner, soft hyphen. */
export function isInvisible(c: number): boolean {
  return c === 0xfeff || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xad
}

const decomposed = new Map<number, string>()

/** The canonical decomposition (NFD) of one code point, cached. */
function decompose(cp: number): string {
  let d = decomposed.get(cp)
  if (d === undefined) {
    if (decomposed.size >= 4096) decomposed.clear()
    d = String.fromCodePoint(cp).normalize('NFD')
    decomposed.set(cp, d)
  }
  return d
}

/**
 * Reads a text as loose characters, one per {@link LooseReader.next} call, each with the span of the
 * original text it stands for (`start`, `end`). Indentation and trailing whitespace are skipped, a
 * run of inner whitespace reads as one space, any line break (`\n`, `\r\n`, `\r\r\n`, `\r`) as `\n`,
 * curly quotes as straight ones, dashes as `-`, `…` as `...`, other characters in their canonical
 * decomposition; invisible characters are skipped.
 */
export class LooseReader {
  /** Span in the original text of the character last returned by `next`. */
  start = 0
  end = 0
  private pos: number
  private atLineStart: boolean
  private queue = ''
  private queued = 0
  private finalBreak: boolean

  /**
   * @param from where to start; reading starts as at a line start when `from` is one.
   * @param finalBreak read the end of a text that does not end with a line break as one (empty span).
   */
  constructor(
    private readonly text: string,
    from = 0,
    finalBreak = false,
  ) {
    this.pos = from
    const before = from > 0 ? text.charCodeAt(from - 1) : 10
    this.atLineStart = before === 10 || before === 13
    this.finalBreak = finalBreak
  }

  /** Offset of the next original character to read. */
  get offset(): number {
    return this.pos
  }

  /** The next loose character as a UTF-16 code unit, or -1 at the end. */
  next(): number {
    searchWork.steps++
    if (this.queued < this.queue.length) return this.queue.charCodeAt(this.queued++)
    const text = this.text
    const first = this.pos < text.length ? text.charCodeAt(this.pos) : -1
    if (first > 0x20 && first < 0x7f) {
      // Printable ASCII reads as itself.
      this.atLineStart = false
      this.start = this.pos++
      this.end = this.pos
      return first
    }
    let spaceStart = -1
    let spaceEnd = -1
    while (this.pos < text.length) {
      searchWork.steps++
      const at = this.pos
      const c = text.charCodeAt(at)
      if (c === 10 || c === 13) {
        let p = at
        while (p < text.length && text.charCodeAt(p) === 13) p++
        if (c === 10 || (p < text.length && text.charCodeAt(p) === 10)) p++
        this.pos = p
        this.atLineStart = true
        return this.emit(10, at, p)
      }
      if (isSpace(c)) {
        this.pos++
        if (!this.atLineStart) {
          if (spaceStart < 0) spaceStart = at
          spaceEnd = this.pos
        }
        continue
      }
      if (isInvisible(c)) {
        this.pos++
        continue
      }
      if (spaceStart >= 0) return this.emit(32, spaceStart, spaceEnd)
      this.atLineStart = false
      if (c < 0x80) {
        this.pos++
        return this.emit(c, at, at + 1)
      }
      const cp = text.codePointAt(at)!
      const size = cp > 0xffff ? 2 : 1
      this.pos += size
      const ascii = AS_ASCII.get(cp)
      if (ascii !== undefined) return this.emit(ascii, at, at + size)
      return this.expand(cp === 0x2026 ? '...' : decompose(cp), at, at + size)
    }
    if (this.finalBreak && !this.atLineStart) {
      this.finalBreak = false
      this.atLineStart = true
      return this.emit(10, text.length, text.length)
    }
    return -1
  }

  private emit(c: number, start: number, end: number): number {
    this.start = start
    this.end = end
    return c
  }

  private expand(chars: string, start: number, end: number): number {
    this.queue = chars
    this.queued = 1
    return this.emit(chars.charCodeAt(0), start, end)
  }
}

/** A text as loose characters (see {@link LooseReader}). */
export function loose(text: string): string {
  const reader = new LooseReader(text)
  let out = ''
  for (let c = reader.next(); c !== -1; c = reader.next()) out += String.fromCharCode(c)
  return out
}

/** The window of a text closest to a needle. */
export interface BestWindow {
  /** Offsets in the text of the window's first character and past its last. */
  start: number
  end: number
  /** Dice coefficient of the loose bigrams of window and needle, 0..1. */
  similarity: number
}

/**
 * Slides a window of as many loose characters as the needle has over the text and returns the one
 * whose loose bigrams share the most with the needle's (Dice coefficient, with the ends of both
 * counting as bigrams with a mark; the earliest on a tie).
 * Each character enters and leaves the window once: time linear in the text, memory linear in the
 * needle.
 */
export function bestWindow(text: string, looseNeedle: string): BestWindow | undefined {
  const w = looseNeedle.length
  if (w < 2) return undefined
  const index = new Map<number, number>()
  const wanted: number[] = []
  for (let i = 1; i < w; i++) {
    const g = looseNeedle.charCodeAt(i - 1) * 0x10000 + looseNeedle.charCodeAt(i)
    const k = index.get(g)
    if (k === undefined) {
      index.set(g, wanted.length)
      wanted.push(1)
    } else wanted[k]!++
  }
  const have = new Int32Array(wanted.length)
  const grams = new Int32Array(w - 1)
  const starts = new Float64Array(w)
  const chars = new Uint16Array(w)
  const head = looseNeedle.charCodeAt(0)
  const tail = looseNeedle.charCodeAt(w - 1)
  const reader = new LooseReader(text, 0, true)
  let common = 0
  let count = 0
  let prev = -1
  let best: BestWindow | undefined
  let bestScore = -1
  for (let c = reader.next(); c !== -1; c = reader.next(), count++) {
    searchWork.steps++
    starts[count % w] = reader.start
    chars[count % w] = c
    if (prev >= 0) {
      const slot = (count - 1) % (w - 1)
      if (count > w - 1) {
        const old = grams[slot]!
        if (old >= 0 && --have[old]! < wanted[old]!) common--
      }
      const k = index.get(prev * 0x10000 + c) ?? -1
      grams[slot] = k
      if (k >= 0 && have[k]!++ < wanted[k]!) common++
    }
    prev = c
    if (count + 1 >= w) {
      // The window's ends count as bigrams with a start and an end mark, so that of windows sharing
      // as many bigrams the one aligned with the needle's ends wins.
      const first = (count + 1 - w) % w
      const score = common + (chars[first] === head ? 1 : 0) + (c === tail ? 1 : 0)
      if (score > bestScore) {
        bestScore = score
        best = { start: starts[first]!, end: reader.end, similarity: score / (w + 1) }
      }
    }
    if (count + 1 < w)
      best = { start: starts[0]!, end: reader.end, similarity: (2 * common) / (count + w - 1) }
  }
  return best
}

/** Dice coefficient of the loose bigrams of two texts, 0..1. */
export function similarity(a: string, b: string): number {
  const la = loose(a)
  const lb = loose(b)
  if (la === lb) return 1
  const counts = new Map<number, number>()
  for (let i = 1; i < la.length; i++) {
    searchWork.steps++
    const g = la.charCodeAt(i - 1) * 0x10000 + la.charCodeAt(i)
    counts.set(g, (counts.get(g) ?? 0) + 1)
  }
  let common = 0
  for (let i = 1; i < lb.length; i++) {
    searchWork.steps++
    const g = lb.charCodeAt(i - 1) * 0x10000 + lb.charCodeAt(i)
    const n = counts.get(g) ?? 0
    if (n > 0) {
      common++
      counts.set(g, n - 1)
    }
  }
  const total = Math.max(0, la.length - 1) + Math.max(0, lb.length - 1)
  return total === 0 ? 0 : (2 * common) / total
}
