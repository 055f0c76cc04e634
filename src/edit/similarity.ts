/**
 * A cheap, bounded text similarity: the Dice coefficient of character bigrams, over text compared
 * without regard to whitespace amount, quote style and line endings.
 */

const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032]/g
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033]/g

/** Curly quotes as straight ones. */
export function straightenQuotes(text: string): string {
  return text.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"')
}

/** A line as similarity compares it: quotes straightened, whitespace runs as one space, trimmed, no CR or BOM. */
export function looseLine(line: string): string {
  return straightenQuotes(line.replace(/[\r\uFEFF]/g, ''))
    .replace(/\s+/g, ' ')
    .trim()
}

/** The character bigrams of a line, as numbers; the line's start and end count as characters. */
export function bigrams(line: string): number[] {
  const text = `\u0001${line}\u0002`
  const out: number[] = []
  for (let i = 0; i + 1 < text.length; i++) out.push(text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1))
  return out
}

/** The best window of `needle.length` consecutive lines of `haystack`. */
export interface BestWindow {
  /** 0-based index of the window's first line. */
  start: number
  similarity: number
}

/**
 * Slides a window of as many lines as `needle` over `haystack` and returns the one with the highest
 * bigram Dice coefficient (the earliest on a tie). Linear in the size of both: each line's bigrams
 * enter and leave the window once, and the shared count is updated incrementally.
 */
export function bestWindow(haystack: readonly string[], needle: readonly string[]): BestWindow | undefined {
  const want = new Map<number, number>()
  let needleSize = 0
  for (const line of needle) {
    for (const g of bigrams(looseLine(line))) {
      want.set(g, (want.get(g) ?? 0) + 1)
      needleSize++
    }
  }
  if (needleSize === 0 || haystack.length === 0) return undefined
  const grams = haystack.map((line) => bigrams(looseLine(line)))
  const have = new Map<number, number>()
  let common = 0
  let size = 0
  const add = (gs: readonly number[]) => {
    for (const g of gs) {
      const h = have.get(g) ?? 0
      if (h < (want.get(g) ?? 0)) common++
      have.set(g, h + 1)
    }
    size += gs.length
  }
  const remove = (gs: readonly number[]) => {
    for (const g of gs) {
      const h = (have.get(g) ?? 0) - 1
      have.set(g, h)
      if (h < (want.get(g) ?? 0)) common--
    }
    size -= gs.length
  }
  const k = Math.min(needle.length, haystack.length)
  for (let i = 0; i < k; i++) add(grams[i]!)
  let best: BestWindow = { start: 0, similarity: (2 * common) / (size + needleSize) }
  for (let start = 1; start + k <= haystack.length; start++) {
    remove(grams[start - 1]!)
    add(grams[start + k - 1]!)
    const similarity = (2 * common) / (size + needleSize)
    if (similarity > best.similarity) best = { start, similarity }
  }
  return best
}
