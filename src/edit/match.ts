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

/** A part of the text as read that an edit's `oldString` matched: no other edit may touch it. */
export interface Region {
  start: number
  end: number
  /** Index of the edit that matched it. */
  edit: number
}

/**
 * The first of `regions` (ascending, disjoint) that shares a character with `[start, end)`, found
 * by binary search; regions that only touch it do not count.
 */
export function overlapping(regions: readonly Region[], start: number, end: number): Region | undefined {
  let lo = 0
  let hi = regions.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (regions[mid]!.end <= start) lo = mid + 1
    else hi = mid
  }
  const region = regions[lo]
  return region !== undefined && region.start < end && start < end ? region : undefined
}

/** Merges two ascending lists of disjoint regions (disjoint from each other too) into one. */
export function mergeRegions(a: readonly Region[], b: readonly Region[]): Region[] {
  const out: Region[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && a[i]!.start <= b[j]!.start)) out.push(a[i++]!)
    else out.push(b[j++]!)
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
