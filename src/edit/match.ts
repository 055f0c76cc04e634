import type { InsertedRange } from './pieces.js'

/** Start offsets of the non-overlapping occurrences of `needle` in `text`, left to right. */
export function findAll(text: string, needle: string): number[] {
  const found: number[] = []
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) found.push(i)
  return found
}

/** 1-based line numbers of ascending offsets in `text`. */
export function linesAt(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = []
  let line = 1
  let at = 0
  for (const offset of offsets) {
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++
      at = i + 1
    }
    lines.push(line)
  }
  return lines
}

/**
 * For each match `[start, start + length)` (ascending), the edit whose inserted text it overlaps,
 * or -1 when it lies entirely in text that was there before this call.
 */
export function overlapsInserted(
  starts: readonly number[],
  length: number,
  inserted: readonly InsertedRange[],
): number[] {
  const out: number[] = []
  let r = 0
  for (const start of starts) {
    const end = start + length
    while (r < inserted.length && inserted[r]!.end <= start) r++
    const range = inserted[r]
    out.push(range !== undefined && range.start < end ? range.edit : -1)
  }
  return out
}

/** Lengths of the common prefix and suffix of `a` and `b` (never overlapping in either). */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length)
  let prefix = 0
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  let suffix = 0
  while (suffix < max - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix))
    suffix++
  return { prefix, suffix }
}
