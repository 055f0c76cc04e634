import type { NearMatch } from './edit-error.js'
import { analyze, type Difference, escaped, hintFor, kinds } from './hints.js'
import { linesAt } from './match.js'
import { bestWindow, isSpace, LooseReader, loose, searchWork, similarity } from './similarity.js'

export { searchWork } from './similarity.js'

/** What was found close to an `oldString` that does not occur. */
export interface NearMatchReport {
  nearMatch?: NearMatch
  /** Set when the region differs in ways a model cannot see (see `differences`), or only by elided lines or line-number prefixes. */
  hint?: string
  /** The kinds of difference the hint names. */
  differences?: Difference[]
}

/** Below this similarity nothing is reported as close. */
const MIN_SIMILARITY = 0.5

/** A region of the text: `[start, end)`. */
export interface Region {
  start: number
  end: number
}

/**
 * Calls `each` with the regions of `text` from `from` on that read as `needle` loosely (see
 * LooseReader; the end of a text without a final line break reads as one), left to right and not
 * overlapping, until it returns false. Knuth–Morris–Pratt over the loose characters: time linear in
 * both, memory linear in the needle.
 */
export function looseRegions(text: string, needle: string, from: number, each: (r: Region) => boolean): void {
  const m = needle.length
  if (m === 0) return
  const fail = new Int32Array(m)
  for (let i = 1, k = 0; i < m; i++) {
    while (k > 0 && needle.charCodeAt(i) !== needle.charCodeAt(k)) {
      k = fail[k - 1]!
      searchWork.steps++
    }
    if (needle.charCodeAt(i) === needle.charCodeAt(k)) k++
    fail[i] = k
  }
  const starts = new Float64Array(m)
  const reader = new LooseReader(text, from, true)
  let k = 0
  let count = 0
  for (let c = reader.next(); c !== -1; c = reader.next(), count++) {
    starts[count % m] = reader.start
    while (k > 0 && needle.charCodeAt(k) !== c) {
      k = fail[k - 1]!
      searchWork.steps++
    }
    if (needle.charCodeAt(k) === c) k++
    if (k === m) {
      if (!each({ start: starts[(count + 1 - m) % m]!, end: reader.end })) return
      k = 0
    }
  }
}

/**
 * Widens a loose region over the spaces the file has where oldString starts with indentation or ends
 * with trailing whitespace, so the region holds what oldString describes.
 */
export function widen(text: string, old: string, r: Region): Region {
  let { start, end } = r
  if (old.length > 0 && isSpace(old.charCodeAt(0))) {
    while (start > 0 && isSpace(text.charCodeAt(start - 1))) start--
  }
  if (old.length > 0 && isSpace(old.charCodeAt(old.length - 1))) {
    while (end < text.length && isSpace(text.charCodeAt(end))) end++
  }
  return { start, end }
}

/** The first region of `text` from `from` on that reads as `old` loosely, widened. */
function firstLoose(text: string, old: string, from = 0): Region | undefined {
  let found: Region | undefined
  looseRegions(text, loose(old), from, (r) => {
    found = widen(text, old, r)
    return false
  })
  return found
}

const NUMBERED = /^[ \t]*(\d+)(?: *[\u2502\u2192|:] ?|\t)/

/**
 * oldString without line-number prefixes copied from a read (`12│ `, `12\t`, `  12→`), when every
 * line has one and the numbers count up by one; undefined otherwise.
 */
export function withoutLineNumbers(old: string): { text: string; first: number; prefix: string } | undefined {
  const lines = old.split('\n')
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  let expect = -1
  let prefix = ''
  const out: string[] = []
  for (const line of lines) {
    const m = NUMBERED.exec(line)
    if (!m) return undefined
    const n = Number(m[1])
    if (expect >= 0 && n !== expect) return undefined
    if (expect < 0) prefix = m[0]
    expect = n + 1
    out.push(line.slice(m[0].length))
  }
  if (lines.length === 1 && !/[\u2502\u2192\t]/.test(prefix)) return undefined
  return {
    text: out.join('\n') + (old.endsWith('\n') ? '\n' : ''),
    first: Number(NUMBERED.exec(old)![1]),
    prefix,
  }
}

const ELISION =
  /^[ \t]*(?:(?:\/\/|#|--|;|\/\*|<!--|\*)[ \t]*)?(?:\.{3}|\u2026)(?:.*(?:\.{3}|\u2026))?[ \t]*(?:\*\/|-->)?[ \t]*$/

/** oldString split at lines that only stand for omitted text (`...`, `// ... existing code ...`). */
export function elisions(old: string): { parts: string[]; lines: number[] } | undefined {
  const lines = old.split('\n')
  const parts: string[] = []
  const at: number[] = []
  let current: string[] = []
  lines.forEach((line, i) => {
    if (ELISION.test(line)) {
      at.push(i + 1)
      if (current.length > 0) parts.push(current.join('\n'))
      current = []
    } else current.push(line)
  })
  if (current.length > 0 && current.some((l) => l.trim() !== '')) parts.push(current.join('\n'))
  if (at.length === 0 || parts.length === 0) return undefined
  return { parts, lines: at }
}

function report(text: string, r: Region, similar: number, hint: string | undefined, diffs: Difference[]) {
  const line = linesAt(text, [r.start])[0]!
  const out: NearMatchReport = {
    nearMatch: { line, similarity: Math.round(similar * 1000) / 1000, text: text.slice(r.start, r.end) },
  }
  if (hint !== undefined) out.hint = hint
  if (diffs.length > 0) out.differences = diffs
  return out
}

/** A region that reads like `old`: the hint names every difference. */
function lookalike(text: string, old: string, r: Region): NearMatchReport {
  const line = linesAt(text, [r.start])[0]!
  const analysis = analyze(text.slice(r.start, r.end), old, line)
  return report(text, r, 1, hintFor(analysis, line), kinds(analysis))
}

function numbered(text: string, old: string): NearMatchReport | undefined {
  const stripped = withoutLineNumbers(old)
  if (!stripped || loose(stripped.text).trim() === '') return undefined
  const r = firstLoose(text, stripped.text)
  if (!r) return undefined
  const found = text.slice(r.start, r.end)
  const line = linesAt(text, [r.start])[0]!
  const rest = hintFor(analyze(found, stripped.text, line), line)
  const hint = `oldString starts its lines with line numbers copied from a read (${escaped(stripped.prefix)} on its first line): they are not in the file. Remove them; the text at line ${line} is nearMatch.text.${rest ? ` ${rest}` : ''}`
  return report(text, r, similarity(found, old), hint, ['line-numbers'])
}

function elided(text: string, old: string): NearMatchReport | undefined {
  const split = elisions(old)
  if (!split) return undefined
  const found: Region[] = []
  for (const part of split.parts) {
    if (loose(part).trim() === '') continue
    const r = firstLoose(text, part, found[found.length - 1]?.end ?? 0)
    if (!r) return undefined
    found.push(r)
  }
  if (found.length === 0) return undefined
  const r = { start: found[0]!.start, end: found[found.length - 1]!.end }
  const bounds = linesAt(
    text,
    found.flatMap((p) => [p.start, p.end]),
  )
  const omitted: string[] = []
  for (let i = 1; i < found.length; i++) {
    const from = bounds[2 * i - 1]! + 1
    const to = bounds[2 * i]! - 1
    if (to >= from) omitted.push(to > from ? `${from}–${to}` : `${from}`)
  }
  const line = bounds[0]!
  const which = split.lines.length > 1 ? `lines ${split.lines.join(', ')}` : `line ${split.lines[0]}`
  const where = omitted.length > 0 ? ` (the file has lines ${omitted.join(', ')} there)` : ''
  const hint = `oldString ${which} only ${split.lines.length > 1 ? 'stand' : 'stands'} for omitted text (${escaped('...')})${where}: oldString must spell out every line it replaces. The file's text from line ${line}, which the parts around the omission match, is nearMatch.text; copy it whole.`
  return report(text, r, similarity(text.slice(r.start, r.end), old), hint, ['elided-lines'])
}

/** Moves a window's ends to the line boundaries near them, when they are near. */
function snap(text: string, old: string, r: Region): Region {
  const reach = Math.max(8, Math.min(80, Math.floor((r.end - r.start) / 4)))
  let { start, end } = r
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  if (start - lineStart <= reach) start = lineStart
  else {
    const next = text.indexOf('\n', start)
    if (next !== -1 && next < end && next + 1 - start <= reach && !old.startsWith('\n')) start = next + 1
  }
  if (!old.endsWith('\n')) {
    let lineEnd = text.indexOf('\n', end)
    if (lineEnd === -1) lineEnd = text.length
    const prev = text.lastIndexOf('\n', end - 1)
    if (lineEnd - end <= reach) end = lineEnd
    else if (prev >= start && end - prev <= reach) end = prev
  }
  return end > start ? { start, end } : r
}

/** The region closest to `old` by similarity of loose bigrams, within a window as long as `old`. */
function closest(text: string, old: string): NearMatchReport {
  const needle = loose(old)
  const best = bestWindow(text, needle)
  if (!best || best.similarity < MIN_SIMILARITY) return {}
  const raw = { start: best.start, end: best.end }
  const snapped = snap(text, old, raw)
  const a = similarity(text.slice(snapped.start, snapped.end), old)
  const b = similarity(text.slice(raw.start, raw.end), old)
  const r = a >= b ? snapped : raw
  const s = Math.max(a, b)
  if (s < MIN_SIMILARITY) return {}
  return report(text, r, Math.min(s, 0.999), undefined, [])
}

/**
 * Finds the region of `text` closest to `old` (which does not occur in it exactly). In order: a
 * region that reads the same loosely — differing only in indentation, whitespace, line breaks,
 * quotes, dashes, `…`, Unicode spaces, invisible characters or normalization, each named by the
 * hint with its line; then the same with line-number prefixes removed from `old`; then the parts of
 * `old` around elided lines (`...`); failing those, the window of the text as long as `old` with
 * the most bigrams in common. Time linear in the sizes of both, memory linear in `old`, whatever
 * the input; {@link searchWork} counts the steps.
 */
export function findNearMatch(text: string, old: string): NearMatchReport {
  if (loose(old).replace(/\n/g, '').trim() === '') return {}
  const r = firstLoose(text, old)
  if (r) return lookalike(text, old, r)
  return numbered(text, old) ?? elided(text, old) ?? closest(text, old)
}
