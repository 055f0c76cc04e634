import { describe, expect, it } from 'vitest'
import {
  detectEol,
  formatText,
  hasBom,
  normalizeEol,
  stripBom,
  type TextFormatOptions,
} from '../../src/formats/text.js'

interface Previous {
  name: string
  text: string | undefined
  /** Line ending 'preserve' must produce. */
  eol: 'lf' | 'crlf'
  /** Final newline 'preserve' must produce: true ensure, false strip, undefined leave as given. */
  final: boolean | undefined
  bom: boolean
}

const previous: Previous[] = [
  { name: 'no file', text: undefined, eol: 'lf', final: undefined, bom: false },
  { name: 'an empty file', text: '', eol: 'lf', final: undefined, bom: false },
  { name: 'LF with a final newline', text: 'a\nb\n', eol: 'lf', final: true, bom: false },
  { name: 'CRLF with a final newline', text: 'a\r\nb\r\n', eol: 'crlf', final: true, bom: false },
  {
    name: 'mostly CRLF without a final newline',
    text: 'a\r\nb\r\nc\nd',
    eol: 'crlf',
    final: false,
    bom: false,
  },
  { name: 'mostly LF with a final newline', text: 'a\nb\nc\r\nd\n', eol: 'lf', final: true, bom: false },
  { name: 'BOM, CRLF, no final newline', text: '\uFEFFa\r\nb', eol: 'crlf', final: false, bom: true },
  { name: 'BOM, LF, final newline', text: '\uFEFFa\nb\n', eol: 'lf', final: true, bom: true },
  { name: 'one line without a newline', text: 'one line', eol: 'lf', final: false, bom: false },
  { name: 'a BOM only', text: '\uFEFF', eol: 'lf', final: undefined, bom: true },
]

const newTexts = ['x\ny', 'x\r\ny\r\n', '\uFEFFx\ry\n\n', 'x\n\n y \r\n', '', 'x', '\n']

const matrix: TextFormatOptions[] = []
for (const eol of ['preserve', 'lf', 'crlf'] as const) {
  for (const finalNewline of ['preserve', 'ensure'] as const) {
    for (const bom of ['preserve', 'add', 'strip'] as const) matrix.push({ eol, finalNewline, bom })
  }
}

/** What formatText must return, built from the rules rather than from the implementation's steps. */
function expected(newText: string, prev: Previous, options: TextFormatOptions): string {
  const eol = (options.eol === 'preserve' ? prev.eol : options.eol) === 'crlf' ? '\r\n' : '\n'
  const body = newText.startsWith('\uFEFF') ? newText.slice(1) : newText
  const core = body.replace(/(\r\n|\r|\n)+$/, '')
  const trailing = body.slice(core.length).match(/\r\n|\r|\n/g)?.length ?? 0
  const final = options.finalNewline === 'ensure' ? true : prev.final
  let breaks = trailing
  if (final === true && body !== '') breaks = Math.max(1, trailing)
  if (final === false) breaks = 0
  const bom = options.bom === 'add' || (options.bom === 'preserve' && prev.bom)
  return (bom ? '\uFEFF' : '') + core.split(/\r\n|\r|\n/).join(eol) + eol.repeat(breaks)
}

describe('formatText', () => {
  describe.each(previous)('over $name', (prev) => {
    it.each(matrix)('follows eol $eol, finalNewline $finalNewline, bom $bom', (options) => {
      for (const newText of newTexts) {
        expect(JSON.stringify(formatText(newText, prev.text, options))).toBe(
          JSON.stringify(expected(newText, prev, options)),
        )
      }
    })
  })

  it('preserves everything about the previous file by default', () => {
    expect(formatText('# Title\nBody', '\uFEFFOld\r\ntext\r\n')).toBe('\uFEFF# Title\r\nBody\r\n')
    expect(formatText('# Title\r\nBody\r\n\r\n', 'Old\ntext')).toBe('# Title\nBody')
  })

  it('leaves a new file as given apart from normalizing line breaks to LF and dropping a BOM', () => {
    expect(formatText('\uFEFFa\r\nb\rc', undefined)).toBe('a\nb\nc')
    expect(formatText('a\n', undefined)).toBe('a\n')
  })

  it('never doubles a BOM', () => {
    expect(formatText('\uFEFFx', '\uFEFFy', { bom: 'add' })).toBe('\uFEFFx')
    expect(formatText('\uFEFFx', '\uFEFFy')).toBe('\uFEFFx')
  })

  it('keeps an empty text empty even when a final newline is ensured', () => {
    expect(formatText('', 'a\n', { finalNewline: 'ensure' })).toBe('')
  })

  it('rejects unknown policies with ERR_INVALID_ARG_VALUE', () => {
    for (const options of [{ eol: 'cr' }, { finalNewline: 'strip' }, { bom: true }]) {
      expect(() => formatText('x', undefined, options as TextFormatOptions)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
      )
    }
  })
})

describe('detectEol', () => {
  it('returns the dominant line ending, the first one on a tie, undefined without LF', () => {
    expect(detectEol('a\nb\r\nc\n')).toBe('lf')
    expect(detectEol('a\r\nb\nc\r\n')).toBe('crlf')
    expect(detectEol('a\r\nb\n')).toBe('crlf')
    expect(detectEol('a\nb\r\n')).toBe('lf')
    expect(detectEol('\r\n')).toBe('crlf')
    expect(detectEol('no breaks')).toBeUndefined()
    expect(detectEol('old\rmac')).toBeUndefined()
  })
})

describe('BOM and line-break helpers', () => {
  it('detects and strips one leading BOM', () => {
    expect(hasBom('\uFEFFx')).toBe(true)
    expect(hasBom('x\uFEFF')).toBe(false)
    expect(stripBom('\uFEFF\uFEFFx')).toBe('\uFEFFx')
    expect(stripBom('x')).toBe('x')
  })

  it('turns CRLF, LF and lone CR into the requested ending', () => {
    expect(normalizeEol('a\r\nb\nc\rd\r\r\n', 'crlf')).toBe('a\r\nb\r\nc\r\nd\r\n\r\n')
    expect(normalizeEol('a\r\nb\nc\rd', 'lf')).toBe('a\nb\nc\nd')
  })
})
