import type { NearMatch } from './edit-error.js'
import { linesAt } from './match.js'
import { bestWindow, straightenQuotes } from './similarity.js'

/** What was found close to an `oldString` that does not occur. */
export interface NearMatchReport {
  nearMatch?: NearMatch
  /** Set when the region differs only in indentation, trailing whitespace, line endings, quotes or a BOM. */
  hint?: string
}

/** Below this similarity nothing is reported as close. */
const MIN_SIMILARITY = 0.5
/** Longer oldStrings are not searched with a pattern (the sliding window still runs). */
const MAX_PATTERN = 100_000

type Category = 'line endings' | 'byte order mark' | 'trailing whitespace' | 'indentation' | 'quotes'

const NORMALIZE: [Category, (s: string) => string][] = [
  ['line endings', (s) => s.replace(/\r*\n|\r+/g, '\n')],
  ['byte order mark', (s) => s.replace(/\uFEFF/g, '')],
  ['trailing whitespace', (s) => s.replace(/[ \t]+$/gm, '')],
  ['indentation', (s) => s.replace(/^[ \t]+/gm, '')],
  ['quotes', straightenQuotes],
]

function normalize(s: string, skip?: Category): string {
  for (const [name, fn] of NORMALIZE) if (name !== skip) s = fn(s)
  return s
}

const QUOTE_CLASS: Record<string, string> = {
  "'": "['\u2018\u2019\u201a\u201b\u2032]",
  '"': '["\u201c\u201d\u201e\u201f\u2033]',
}

function escapeCore(core: string): string {
  let out = ''
  for (const ch of straightenQuotes(core)) {
    out += QUOTE_CLASS[ch] ?? ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return out
}

/**
 * A pattern that matches `old` whatever the indentation, trailing whitespace, line breaks (LF, CRLF,
 * CR), quote style and stray BOMs. Adjacent parts never compete for the same characters, so matching
 * stays linear.
 */
function loosePattern(old: string): RegExp | undefined {
  const lines = old.replace(/\uFEFF/g, '').split(/\r*\n|\r+/)
  if (old.length > MAX_PATTERN || lines.every((l) => l.trim() === '')) return undefined
  const last = lines.length - 1
  let source = ''
  lines.forEach((line, i) => {
    if (i > 0) source += '(?:\\r*\\n|\\r)'
    const core = line.replace(/^[ \t]+|[ \t]+$/g, '')
    const lead = i > 0 || core !== line.replace(/[ \t]+$/, '')
    const trail = i < last || core !== line.replace(/^[ \t]+/, '')
    if (core === '') source += i === 0 && !lead ? '' : '[ \\t\\uFEFF]*'
    else source += `${lead ? '[ \\t\\uFEFF]*' : ''}${escapeCore(core)}${trail ? '[ \\t\\uFEFF]*' : ''}`
  })
  return new RegExp(source)
}

function describeIndent(ws: string): string {
  if (ws === '') return 'no indentation'
  const tabs = ws.split('\t').length - 1
  const spaces = ws.length - tabs
  const parts = []
  if (tabs) parts.push(`${tabs} tab${tabs > 1 ? 's' : ''}`)
  if (spaces) parts.push(`${spaces} space${spaces > 1 ? 's' : ''}`)
  return parts.join(' and ')
}

function detail(category: Category, found: string, old: string, line: number): string {
  switch (category) {
    case 'indentation': {
      const a = found.split('\n')
      const b = old.split('\n')
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const wa = /^[ \t]*/.exec(a[i]!)![0]
        const wb = /^[ \t]*/.exec(b[i]!)![0]
        if (wa !== wb && (i > 0 || wb !== '')) {
          return `line ${line + i} of the file has ${describeIndent(wa)} where oldString has ${describeIndent(wb)}`
        }
      }
      return 'the indentation differs'
    }
    case 'line endings': {
      const brk = (s: string) => JSON.stringify(/\r*\n|\r+/.exec(s)?.[0] ?? '')
      return `the file breaks lines with ${brk(found)} where oldString has ${brk(old)}`
    }
    case 'quotes': {
      const curly = (s: string) => s !== straightenQuotes(s)
      if (curly(found) && !curly(old)) return 'the file has curly quotes where oldString has straight ones'
      if (curly(old) && !curly(found)) return 'the file has straight quotes where oldString has curly ones'
      return 'the quote characters differ'
    }
    case 'trailing whitespace':
      return 'spaces or tabs at the ends of lines differ'
    case 'byte order mark':
      return 'a byte order mark (U+FEFF) differs'
  }
}

function hintFor(found: string, old: string, line: number): string | undefined {
  if (normalize(found) !== normalize(old)) return undefined
  const needed = NORMALIZE.map(([name]) => name).filter(
    (name) => normalize(found, name) !== normalize(old, name),
  )
  if (needed.length === 0) return undefined
  const details = needed.map((c) => detail(c, found, old, line)).join('; ')
  return `The text at line ${line} differs from oldString only in ${needed.join(' and ')} (${details}). Copy oldString from the file exactly (it is nearMatch.text).`
}

/**
 * Finds the region of `text` closest to `old` (which does not occur in it), at a cost linear in the
 * sizes of both: first a pattern that ignores indentation, line breaks, quote style and BOMs; failing
 * that, the window of as many lines with the highest bigram similarity.
 */
export function findNearMatch(text: string, old: string): NearMatchReport {
  if (old.trim() === '') return {}
  const pattern = loosePattern(old)
  const hit = pattern?.exec(text)
  if (hit) {
    const line = linesAt(text, [hit.index])[0]!
    const hint = hintFor(hit[0], old, line)
    const report: NearMatchReport = { nearMatch: { line, similarity: 1, text: hit[0] } }
    if (hint !== undefined) report.hint = hint
    return report
  }
  const lines = text.split('\n')
  const wanted = old.split('\n')
  if (wanted.length > 1 && wanted[wanted.length - 1] === '') wanted.pop()
  const best = bestWindow(lines, wanted)
  if (!best || best.similarity < MIN_SIMILARITY) return {}
  const region = lines.slice(best.start, best.start + wanted.length).join('\n')
  return {
    nearMatch: { line: best.start + 1, similarity: Math.round(best.similarity * 1000) / 1000, text: region },
  }
}
