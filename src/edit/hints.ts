import { isInvisible, isSpace, LooseReader, searchWork } from './similarity.js'

/**
 * A kind of difference a model cannot see in the text it copied. The first seven are the ones
 * tolerant matching accepts.
 */
export type Difference =
  | 'indentation'
  | 'trailing-whitespace'
  | 'line-endings'
  | 'quotes'
  | 'dashes'
  | 'spaces'
  | 'unicode-normalization'
  | 'ellipsis'
  | 'invisible'
  | 'final-newline'
  | 'line-numbers'
  | 'elided-lines'
  | 'other'

/** One place where the file's text and oldString differ. */
export interface Found {
  kind: Difference
  /** 1-based line of the file. */
  line: number
  /** The file's characters there. */
  file: string
  /** oldString's characters there. */
  old: string
}

/** Differences between a region of the file and an oldString that reads the same loosely. */
export interface Analysis {
  found: Found[]
  /** Indentation of each non-blank line whose start lies inside the region: the file's and oldString's. */
  indents: { line: number; file: string; old: string }[]
}

interface Line {
  lead: string
  core: string
  trail: string
  brk: string
}

function splitLines(text: string): Line[] {
  const out: Line[] = []
  const re = /\r*\n|\r+/g
  let at = 0
  for (;;) {
    searchWork.steps++
    const m = re.exec(text)
    const body = text.slice(at, m ? m.index : text.length)
    let a = 0
    while (a < body.length && isBlank(body.charCodeAt(a))) a++
    let b = body.length
    while (b > a && isBlank(body.charCodeAt(b - 1))) b--
    out.push({ lead: body.slice(0, a), core: body.slice(a, b), trail: body.slice(b), brk: m ? m[0] : '' })
    if (!m) return out
    at = m.index + m[0].length
  }
}

function isBlank(c: number): boolean {
  return isSpace(c) || isInvisible(c)
}

const QUOTE = /^['"\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033]+$/
const DASH = /^[-\u2010-\u2015\u2212]+$/
const ALL_SPACE = /^[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+$/
const INVISIBLE = /[\ufeff\u200b-\u200d\u2060\u00ad]/g

function kindOf(file: string, old: string): Difference {
  const f = file.replace(INVISIBLE, '')
  const o = old.replace(INVISIBLE, '')
  if (f === o) return 'invisible'
  if (ALL_SPACE.test(f) && ALL_SPACE.test(o)) return 'spaces'
  if (f.normalize('NFC') === o.normalize('NFC')) return 'unicode-normalization'
  if (QUOTE.test(f) && QUOTE.test(o)) return 'quotes'
  if (DASH.test(f) && DASH.test(o)) return 'dashes'
  if (/\u2026/.test(f + o) && f.replace(/\u2026/g, '...') === o.replace(/\u2026/g, '...')) return 'ellipsis'
  return 'other'
}

/** Compares two line cores that read the same loosely, piece by piece (a piece: what reads as one character or expansion). */
function compareCores(file: string, old: string, line: number, out: Found[]): void {
  if (file === old) return
  const a = new LooseReader(file)
  const b = new LooseReader(old)
  let fromA = 0
  let fromB = 0
  let spanA = -1
  let spanB = -1
  const close = (endA: number, endB: number) => {
    const f = file.slice(fromA, endA)
    const o = old.slice(fromB, endB)
    if (f !== o) out.push({ kind: kindOf(f, o), line, file: f, old: o })
    fromA = endA
    fromB = endB
  }
  for (;;) {
    const ca = a.next()
    const cb = b.next()
    if (ca === -1 || cb === -1) break
    const newA = a.start !== spanA
    const newB = b.start !== spanB
    if (newA && newB && spanA >= 0) close(a.start, b.start)
    spanA = a.start
    spanB = b.start
  }
  close(file.length, old.length)
}

/**
 * What differs between `region`, the file's text starting at line `firstLine`, and `old`, which read
 * the same loosely (see LooseReader) — `old` may end with a line break where the file ends without
 * one. Linear in the sizes of both.
 */
export function analyze(region: string, old: string, firstLine: number): Analysis {
  const r = splitLines(region)
  const o = splitLines(old)
  const found: Found[] = []
  const indents: Analysis['indents'] = []
  if (o.length === r.length + 1 && o[o.length - 1]!.core === '' && r[r.length - 1]!.brk === '') {
    found.push({ kind: 'final-newline', line: firstLine + r.length - 1, file: '', old: o[o.length - 2]!.brk })
    o.pop()
    o[o.length - 1]!.brk = ''
  }
  const n = Math.min(r.length, o.length)
  for (let i = 0; i < n; i++) {
    const f = r[i]!
    const g = o[i]!
    const line = firstLine + i
    const first = i === 0
    const last = i === n - 1
    if (f.core === '' && g.core === '') {
      const fw = f.lead + f.trail
      const ow = g.lead + g.trail
      if (fw !== ow && !(first && ow === '') && !(last && ow === ''))
        found.push({ kind: 'trailing-whitespace', line, file: fw, old: ow })
    } else {
      if (!(first && g.lead === '')) {
        indents.push({ line, file: f.lead, old: g.lead })
        if (f.lead !== g.lead) found.push({ kind: 'indentation', line, file: f.lead, old: g.lead })
      }
      compareCores(f.core, g.core, line, found)
      if (f.trail !== g.trail && !(last && g.trail === ''))
        found.push({ kind: 'trailing-whitespace', line, file: f.trail, old: g.trail })
    }
    if (f.brk !== g.brk && f.brk !== '' && g.brk !== '')
      found.push({ kind: 'line-endings', line, file: f.brk, old: g.brk })
  }
  return { found, indents }
}

const NAMES = new Map<number, string>([
  [0x09, 'a tab'],
  [0x20, 'a space'],
  [0xa0, 'a no-break space'],
  [0x202f, 'a narrow no-break space'],
  [0x2007, 'a figure space'],
  [0x2009, 'a thin space'],
  [0x3000, 'an ideographic space'],
  [0xfeff, 'a byte order mark'],
  [0x200b, 'a zero-width space'],
  [0x200c, 'a zero-width non-joiner'],
  [0x200d, 'a zero-width joiner'],
  [0x2060, 'a word joiner'],
  [0xad, 'a soft hyphen'],
  [0x2018, 'a left single quote'],
  [0x2019, 'a right single quote'],
  [0x201c, 'a left double quote'],
  [0x201d, 'a right double quote'],
  [0x27, 'a straight single quote'],
  [0x22, 'a straight double quote'],
  [0x2d, 'a hyphen'],
  [0x2013, 'an en dash'],
  [0x2014, 'an em dash'],
  [0x2212, 'a minus sign'],
  [0x2026, 'an ellipsis character'],
])
/** A string as JSON, with every character outside printable ASCII as `\uXXXX`. */
export function escaped(text: string): string {
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** What a short string is, in words: "a no-break space \"\\u00a0\"". */
function spell(text: string): string {
  if (text === '') return 'nothing'
  const cps = [...text]
  const same = cps.every((c) => c === cps[0])
  const name = NAMES.get(cps[0]!.codePointAt(0)!)
  if (name && same) {
    const count = cps.length > 1 ? `${cps.length} ${name.replace(/^an? /, '')}s` : name
    return `${count} ${escaped(text)}`
  }
  return escaped(text)
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

/** The shift that turns oldString's indentation into the file's on every line, if there is one. */
export function indentShift(indents: Analysis['indents']): { add: string } | { remove: string } | undefined {
  if (indents.length === 0) return undefined
  const { file, old } = indents[0]!
  if (file.endsWith(old) && file !== old) {
    const add = file.slice(0, file.length - old.length)
    if (indents.every((x) => x.file === add + x.old)) return { add }
  }
  if (old.endsWith(file) && file !== old) {
    const remove = old.slice(0, old.length - file.length)
    if (indents.every((x) => x.old === remove + x.file)) return { remove }
  }
  return undefined
}

function more(n: number): string {
  return n > 1 ? ` (and ${n - 1} more place${n > 2 ? 's' : ''})` : ''
}

function lineList(found: readonly Found[]): string {
  const lines = [...new Set(found.map((f) => f.line))]
  if (lines.length === 1) return `line ${lines[0]}`
  const shown = lines.slice(0, 5).join(', ')
  return `lines ${shown}${lines.length > 5 ? ` and ${lines.length - 5} more` : ''}`
}

function detail(kind: Difference, all: readonly Found[], analysis: Analysis): string {
  const f = all[0]!
  switch (kind) {
    case 'indentation': {
      const shift = indentShift(analysis.indents)
      if (shift && all.length > 1) {
        const first = analysis.indents[0]!.line
        const lastLine = analysis.indents[analysis.indents.length - 1]!.line
        return 'add' in shift
          ? `indentation: lines ${first}–${lastLine} of the file are indented by ${describeIndent(shift.add)} more than oldString's`
          : `indentation: lines ${first}–${lastLine} of the file are indented by ${describeIndent(shift.remove)} less than oldString's`
      }
      return `indentation: line ${f.line} of the file has ${describeIndent(f.file)} where oldString has ${describeIndent(f.old)}${more(all.length)}`
    }
    case 'trailing-whitespace':
      return `trailing whitespace: line ${f.line} of the file ends with ${spell(f.file)} where oldString has ${spell(f.old)}${more(all.length)}`
    case 'line-endings':
      return `line endings: the file breaks line ${f.line} with ${escaped(f.file)} where oldString has ${escaped(f.old)}${more(all.length)}`
    case 'quotes': {
      const single = all.some((x) => /['\u2018\u2019\u201a\u201b\u2032]/.test(x.file + x.old))
      const double = all.some((x) => /["\u201c\u201d\u201e\u201f\u2033]/.test(x.file + x.old))
      const which = single && double ? 'single and double' : single ? 'single' : 'double'
      const curly = /[^'"]/.test(f.file)
      const fileKind = curly ? 'curly' : 'straight'
      const oldKind = curly ? 'straight' : 'curly'
      return `quotes: the file has ${fileKind} quotes where oldString has ${oldKind} ones (${which}; ${lineList(all)}: the file has ${spell(f.file)} where oldString has ${spell(f.old)}${more(all.length)})`
    }
    case 'dashes':
      return `dashes: line ${f.line} of the file has ${spell(f.file)} where oldString has ${spell(f.old)}${more(all.length)}`
    case 'spaces': {
      const unicode = all.find((x) => /[^ \t]/.test(x.file + x.old))
      if (unicode)
        return `spaces: line ${unicode.line} of the file has ${spell(unicode.file)} where oldString has ${spell(unicode.old)}${more(all.length)}`
      return `inner whitespace: line ${f.line} of the file has ${spell(f.file)} where oldString has ${spell(f.old)}${more(all.length)}`
    }
    case 'unicode-normalization': {
      const form = (s: string) => (s === s.normalize('NFC') ? 'composed (NFC)' : 'decomposed (NFD)')
      return `Unicode normalization: line ${f.line} of the file has ${escaped(f.file)}, ${form(f.file)}, where oldString has ${escaped(f.old)}, ${form(f.old)}${more(all.length)}`
    }
    case 'ellipsis':
      return `ellipsis: line ${f.line} of the file has ${escaped(f.file)} where oldString has ${escaped(f.old)}${more(all.length)}`
    case 'invisible': {
      const extra = (a: string, b: string) =>
        [...a.replace(/[^\ufeff\u200b-\u200d\u2060\u00ad]/g, '')].filter((c) => !b.includes(c))
      const inFile = extra(f.file, f.old)
      const inOld = extra(f.old, f.file)
      const what = inFile.length > 0 ? inFile : inOld
      const names = [...new Set(what)].map(spell).join(', ')
      const side = inFile.length > 0 ? 'the file has' : 'oldString has'
      const other = inFile.length > 0 ? 'oldString lacks' : 'the file lacks'
      return `invisible characters: at line ${f.line} ${side} ${names} that ${other}, next to ${escaped(f.file.replace(INVISIBLE, ''))}${more(all.length)}`
    }
    case 'final-newline':
      return `final newline: the file ends at line ${f.line} without a line break, but oldString ends with ${escaped(f.old)}; drop it`
    case 'line-numbers':
      return 'line-number prefixes copied from a read'
    case 'elided-lines':
      return 'lines elided with `...`'
    case 'other':
      return `line ${f.line} of the file has ${escaped(f.file)} where oldString has ${escaped(f.old)}${more(all.length)}`
  }
}

/** The kinds of difference found, in a fixed order. */
export function kinds(analysis: Analysis): Difference[] {
  const seen = new Set(analysis.found.map((f) => f.kind))
  return ORDER.filter((k) => seen.has(k))
}

const ORDER: Difference[] = [
  'indentation',
  'trailing-whitespace',
  'line-endings',
  'quotes',
  'dashes',
  'spaces',
  'unicode-normalization',
  'ellipsis',
  'invisible',
  'final-newline',
  'other',
]

/** The details of a hint: one clause per kind of difference, naming the line and the characters. */
function describe(analysis: Analysis): string[] {
  return kinds(analysis).map((k) =>
    detail(
      k,
      analysis.found.filter((f) => f.kind === k),
      analysis,
    ),
  )
}

/** A hint for a region that reads like oldString, or undefined when nothing differs. */
export function hintFor(analysis: Analysis, line: number): string | undefined {
  const details = describe(analysis)
  if (details.length === 0) return undefined
  return `The text at line ${line} differs from oldString only in characters that look alike — ${details.join('; ')}. Copy oldString from nearMatch.text, which is the file's exact text.`
}
