import { type Analysis, analyze, type Difference, indentShift, kinds } from './hints.js'
import { commonEnds } from './match.js'
import { looseRegions, type Region, widen } from './near-match.js'
import { LooseReader, loose, searchWork } from './similarity.js'

/** The differences tolerant matching accepts; `applied[i].tolerated` lists them. */
export type Tolerated =
  | 'indentation'
  | 'trailing-whitespace'
  | 'quotes'
  | 'dashes'
  | 'spaces'
  | 'unicode-normalization'
  | 'line-endings'

const TOLERATED = new Set<Difference>([
  'indentation',
  'trailing-whitespace',
  'quotes',
  'dashes',
  'spaces',
  'unicode-normalization',
  'line-endings',
])

/** The one region an edit applies to under tolerant matching. */
export interface TolerantMatch {
  /** Offsets in `text` of the region's first character and past its last: replace `[start, end)`. */
  start: number
  end: number
  /** The text to put there: `newString` re-indented, re-quoted and re-broken like the region. */
  newString: string
  /** What differed between oldString and the region, in a fixed order; empty if nothing did. */
  tolerated: Tolerated[]
}

/** More than one region qualifies: their 1-based start lines (at most {@link MAX_LISTED}). */
export interface TolerantAmbiguity {
  ambiguous: number[]
}

/** Lines listed in {@link TolerantAmbiguity}; the search stops when it has found this many. */
export const MAX_LISTED = 20

/**
 * Tolerant matching for `match: 'tolerant'`: finds the one region of `text` that differs from
 * `oldString` only in what a model cannot see and the hints name — indentation (by one shift, or
 * one indentation unit for another, like four spaces for a tab), trailing whitespace, quote style,
 * dashes, no-break and other Unicode spaces or runs of inner whitespace, Unicode normalization and
 * line breaks — and says what to put there.
 *
 * Returns `null` when no region qualifies (a region that differs in anything else — `…` for `...`,
 * invisible characters, a missing final newline, different words — does not), `{ ambiguous }`
 * with the regions' start lines when more than one does, and otherwise the region with `newString`
 * adapted to it: the lines `newString` keeps from `oldString` (its leading and trailing lines equal
 * to oldString's) are the file's own lines; a changed line that takes the place of one line of
 * oldString keeps the file's text where it keeps oldString's start and end; the rest of newString
 * is shifted by the indentation rule and takes the region's quote style, dashes, spaces,
 * normalization form and line break where the region uses one consistently.
 *
 * Meant to run after exact matching found no occurrence (an exact occurrence is also a qualifying
 * region, with nothing tolerated). Regions are found left to right without overlapping, like
 * exact matches. `text` is the text edits apply to (LF line endings); offsets are into it. Time
 * linear in the sizes of the three strings, memory linear in oldString and newString.
 * @example
 * const m = findTolerant(text, old, neu)
 * if (m && !('ambiguous' in m)) text = text.slice(0, m.start) + m.newString + text.slice(m.end)
 */
export function findTolerant(
  text: string,
  oldString: string,
  newString: string,
): TolerantMatch | TolerantAmbiguity | null {
  const needle = loose(oldString)
  if (needle.replace(/\n/g, '').trim() === '') return null
  const hits: { region: Region; line: number; analysis: Analysis }[] = []
  let line = 1
  let counted = 0
  looseRegions(text, needle, 0, (raw) => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < raw.start; i = text.indexOf('\n', i + 1)) {
      searchWork.steps++
      line++
      counted = i + 1
    }
    const region = widen(text, oldString, raw)
    const analysis = analyze(text.slice(region.start, region.end), oldString, line)
    if (kinds(analysis).every((k) => TOLERATED.has(k))) hits.push({ region, line, analysis })
    return hits.length < MAX_LISTED
  })
  if (hits.length === 0) return null
  if (hits.length > 1) return { ambiguous: hits.map((h) => h.line) }
  const { region, analysis } = hits[0]!
  const adapted = adapt(text.slice(region.start, region.end), oldString, newString, analysis)
  if (adapted === undefined) return null
  return {
    start: region.start,
    end: region.end,
    newString: adapted,
    tolerated: kinds(analysis) as Tolerated[],
  }
}

interface Line {
  body: string
  brk: string
}

function lines(text: string): Line[] {
  const out: Line[] = []
  const re = /\r*\n|\r+/g
  let at = 0
  for (;;) {
    const m = re.exec(text)
    out.push({ body: text.slice(at, m ? m.index : text.length), brk: m ? m[0] : '' })
    if (!m) return out
    at = m.index + m[0].length
  }
}

/** A function that re-indents a changed line, or undefined when no single rule explains the indentation. */
function reindenter(analysis: Analysis): ((line: string) => string) | undefined {
  const { indents } = analysis
  if (indents.every((x) => x.file === x.old)) return (l) => l
  const shift = indentShift(indents)
  if (shift && 'add' in shift) return (l) => (l.trim() === '' ? l : shift.add + l)
  if (shift) return (l) => (l.startsWith(shift.remove) ? l.slice(shift.remove.length) : l)
  const sample = indents.filter((x) => x.old !== '').sort((a, b) => a.old.length - b.old.length)[0]
  if (!sample || sample.file === '') return undefined
  const unitOld = sample.old
  const unitFile = sample.file
  const units = (ws: string, unit: string) => {
    let k = 0
    while (ws.startsWith(unit.repeat(k + 1))) k++
    return unit.repeat(k) === ws ? k : -1
  }
  for (const x of indents) {
    const k = units(x.old, unitOld)
    if (k < 0 || units(x.file, unitFile) !== k) return undefined
  }
  return (l) => {
    const ws = /^[ \t]*/.exec(l)![0]
    const k = units(ws, unitOld)
    return k < 0 || l.trim() === '' ? l : unitFile.repeat(k) + l.slice(ws.length)
  }
}

const CURLY = { single: /[\u2018\u2019]/, double: /[\u201c\u201d]/ }
const STRAIGHT = { single: "'", double: '"' }
const PAIRS = { single: ['\u2018', '\u2019'], double: ['\u201c', '\u201d'] } as const

/** Turns the quotes of one kind in a changed line into the style the region uses throughout. */
function requote(region: string, old: string, kind: 'single' | 'double'): (line: string) => string {
  const straight = STRAIGHT[kind]
  const fileCurly = CURLY[kind].test(region)
  const fileStraight = region.includes(straight)
  if (fileCurly && !fileStraight && old.includes(straight)) {
    const [open, close] = PAIRS[kind]
    return (l) =>
      l.replace(kind === 'single' ? /'/g : /"/g, (_q, at: number) =>
        at === 0 || /[\s([{\u2014\u2013-]/.test(l[at - 1]!) ? open : close,
      )
  }
  if (fileStraight && !fileCurly && CURLY[kind].test(old)) {
    return (l) => l.replace(kind === 'single' ? /[\u2018\u2019]/g : /[\u201c\u201d]/g, straight)
  }
  return (l) => l
}

/** Replaces a character of oldString by the one the region always has in its place, if there is one. */
function recharacter(analysis: Analysis, region: string, kind: Difference): (line: string) => string {
  const to = new Map<string, Set<string>>()
  for (const f of analysis.found) {
    if (f.kind !== kind) continue
    if (!to.has(f.old)) to.set(f.old, new Set())
    to.get(f.old)!.add(f.file)
  }
  const map = new Map<string, string>()
  for (const [from, targets] of to) {
    if (targets.size === 1 && from.length === 1 && !region.includes(from)) map.set(from, [...targets][0]!)
  }
  if (map.size === 0) return (l) => l
  return (l) => [...l].map((c) => map.get(c) ?? c).join('')
}

function normalizer(region: string): (line: string) => string {
  if (region === region.normalize('NFC')) return (l) => l.normalize('NFC')
  if (region === region.normalize('NFD')) return (l) => l.normalize('NFD')
  return (l) => l
}

/**
 * A changed line made of the file's line where it has the same start and end as oldString's, and
 * of newString's changed middle restyled; undefined when they share neither start nor end.
 */
function splice(
  file: string,
  old: string,
  neu: string,
  restyle: (t: string) => string,
  reindent: (t: string) => string,
): string | undefined {
  const { prefix, suffix } = commonEnds(old, neu)
  if (prefix === 0 && suffix === 0) return undefined
  const a = new LooseReader(old)
  const b = new LooseReader(file)
  // Cuts fall only where a new character starts on both sides (never inside `é` read as `e` + mark).
  let head: [number, number] = [0, 0]
  let tail: [number, number] = [old.length, file.length]
  let tailFound = false
  let prev: [number, number] | undefined
  for (let ca = a.next(), cb = b.next(); ca !== -1 && cb !== -1; ca = a.next(), cb = b.next()) {
    const boundary = prev === undefined || (a.start !== prev[0] && b.start !== prev[1])
    if (boundary && a.start <= prefix) head = [a.start, b.start]
    if (boundary && !tailFound && a.start >= old.length - suffix) {
      tail = [a.start, b.start]
      tailFound = true
    }
    prev = [a.start, b.start]
  }
  if (prefix === old.length) head = [old.length, file.length]
  else if (prev !== undefined && a.end <= prefix) head = [a.end, b.end]
  if (tail[0] < head[0]) tail = head
  const middle = neu.slice(head[0], neu.length - (old.length - tail[0]))
  return file.slice(0, head[1]) + restyle(head[0] === 0 ? reindent(middle) : middle) + file.slice(tail[1])
}

/** `newString` adapted to the region (see findTolerant); undefined when the indentation cannot be. */
function adapt(region: string, old: string, neu: string, analysis: Analysis): string | undefined {
  const found = new Set(kinds(analysis))
  const file = lines(region)
  const was = lines(old)
  const now = lines(neu)
  if (was.length === file.length + 1 && was[was.length - 1]!.body === '') was.pop()
  const n = Math.min(was.length, now.length)
  let prefix = 0
  while (prefix < n && was[prefix]!.body === now[prefix]!.body) prefix++
  let suffix = 0
  while (suffix < n - prefix && was[was.length - 1 - suffix]!.body === now[now.length - 1 - suffix]!.body)
    suffix++
  const steps: ((l: string) => string)[] = []
  const reindent = found.has('indentation') ? reindenter(analysis) : (l: string) => l
  if (!reindent) return undefined
  // The first line is re-indented only when oldString's is indented (else the region starts mid-line).
  const indentFirst = /^[ \t]/.test(was[0]!.body)
  if (found.has('quotes')) steps.push(requote(region, old, 'single'), requote(region, old, 'double'))
  if (found.has('dashes')) steps.push(recharacter(analysis, region, 'dashes'))
  if (found.has('spaces')) steps.push(recharacter(analysis, region, 'spaces'))
  if (found.has('unicode-normalization')) steps.push(normalizer(region))
  const breaks = new Set(file.slice(0, -1).map((l) => l.brk))
  const brk = found.has('line-endings') && breaks.size === 1 ? [...breaks][0]! : '\n'
  const changedOld = was.length - prefix - suffix
  const changedNew = now.length - prefix - suffix
  const out: string[] = []
  now.forEach((line, j) => {
    searchWork.steps++
    const last = j === now.length - 1
    const i = j < prefix ? j : j >= now.length - suffix ? j - now.length + was.length : -1
    const kept = i >= 0 ? file[i] : undefined
    if (kept) {
      out.push(kept.body, last ? '' : kept.brk || brk)
      return
    }
    const restyle = (t: string) => steps.reduce((acc, step) => step(acc), t)
    // A changed line paired with a line of oldString keeps the file's text where it keeps oldString's.
    const indent = (t: string) => (j > 0 || indentFirst ? reindent(t) : t)
    const spliced =
      changedOld === changedNew && file[j]
        ? splice(file[j]!.body, was[j]!.body, line.body, restyle, indent)
        : undefined
    const body = spliced ?? restyle(indent(line.body))
    out.push(body, last ? '' : line.brk === '\n' ? brk : line.brk)
  })
  return out.join('')
}
