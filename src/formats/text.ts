/**
 * Pure text transforms behind `safeWriteMd`: line endings, the final newline and the byte order mark,
 * each either forced or preserved from the file being replaced.
 */

import { invalidArgValue } from '../errors.js'

/** A line ending style. */
export type Eol = 'lf' | 'crlf'

/** How `formatText` shapes the text; every field is optional and `undefined` means `'preserve'`. */
export interface TextFormatOptions {
  /**
   * Line endings of the result: every line break of the new text (CRLF, LF, or a lone CR, as CommonMark
   * counts them) becomes this one. `'preserve'` uses the dominant ending of the previous content
   * ({@link detectEol}), LF when there is no previous content or it has no line breaks.
   * @default 'preserve'
   */
  eol?: 'preserve' | Eol | undefined
  /**
   * `'ensure'`: a non-empty result ends with a line break (one is added when missing; an empty text
   * stays empty). `'preserve'`: match the previous content: if it ended with a line break, as
   * `'ensure'`; if it was non-empty and did not, trailing line breaks are removed; with no previous
   * content (or an empty one) the text is left as given.
   * @default 'preserve'
   */
  finalNewline?: 'preserve' | 'ensure' | undefined
  /**
   * Byte order mark (U+FEFF) at the start of the result. `'preserve'`: one exactly when the previous
   * content starts with one (none when there is no previous content); `'add'`: always one; `'strip'`:
   * none. A BOM at the start of the new text counts for nothing either way: it never doubles.
   * @default 'preserve'
   */
  bom?: 'preserve' | 'add' | 'strip' | undefined
}

const BOM = '\uFEFF'
const LINE_BREAK = /\r\n|\r|\n/g
const TRAILING_BREAKS = /(?:\r\n|\r|\n)+$/

/** True when `text` starts with a byte order mark (U+FEFF). */
export function hasBom(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff
}

/** `text` without a leading byte order mark. */
export function stripBom(text: string): string {
  return hasBom(text) ? text.slice(1) : text
}

/**
 * The dominant line ending of `text`: `'crlf'` when CRLF pairs outnumber lone LFs, `'lf'` when lone LFs
 * outnumber CRLF pairs, and on a tie the ending of the first line break. Lone CRs are not counted.
 * `undefined` when `text` has no LF at all.
 */
export function detectEol(text: string): Eol | undefined {
  let crlf = 0
  let lf = 0
  let first: Eol | undefined
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++
    else lf++
    first ??= crlf > 0 ? 'crlf' : 'lf'
  }
  if (first === undefined) return undefined
  return crlf > lf ? 'crlf' : lf > crlf ? 'lf' : first
}

/** `text` with every line break (CRLF, LF or lone CR) replaced by `eol`. */
export function normalizeEol(text: string, eol: Eol): string {
  return text.replace(LINE_BREAK, eol === 'crlf' ? '\r\n' : '\n')
}

/** True when `text` ends with a line break (LF, or a lone CR). */
export function endsWithLineBreak(text: string): boolean {
  const last = text.charCodeAt(text.length - 1)
  return last === 10 || last === 13
}

function check(name: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw invalidArgValue(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value, 'type')
  }
}

/**
 * Shapes `newText` for writing over a file that held `previous` (`undefined`: no such file), following
 * the `eol`, `finalNewline` and `bom` policies (see {@link TextFormatOptions}; all default to
 * `'preserve'`). The order: the BOM of `newText` is set aside, its line breaks are normalized, the final
 * newline is added or removed, then the BOM is put back as the policy says.
 *
 * @example
 * formatText('# Title\nBody', '\uFEFFOld\r\n') // '\uFEFF# Title\r\nBody\r\n'
 */
export function formatText(
  newText: string,
  previous: string | undefined,
  options: TextFormatOptions = {},
): string {
  const { eol = 'preserve', finalNewline = 'preserve', bom = 'preserve' } = options
  check('options.eol', eol, ['preserve', 'lf', 'crlf'])
  check('options.finalNewline', finalNewline, ['preserve', 'ensure'])
  check('options.bom', bom, ['preserve', 'add', 'strip'])
  const before = previous === undefined ? undefined : stripBom(previous)
  const target = eol === 'preserve' ? ((before === undefined ? undefined : detectEol(before)) ?? 'lf') : eol
  const newline = target === 'crlf' ? '\r\n' : '\n'
  let text = normalizeEol(stripBom(newText), target)

  let ensure = finalNewline === 'ensure'
  let strip = false
  if (finalNewline === 'preserve' && before !== undefined && before !== '') {
    ensure = endsWithLineBreak(before)
    strip = !ensure
  }
  if (ensure && text !== '' && !endsWithLineBreak(text)) text += newline
  else if (strip) text = text.replace(TRAILING_BREAKS, '')

  const withBom = bom === 'add' || (bom === 'preserve' && previous !== undefined && hasBom(previous))
  return withBom ? BOM + text : text
}
