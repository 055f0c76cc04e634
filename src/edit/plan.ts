import { ConflictError } from '../errors.js'
import { versionOf } from '../version.js'
import { applyEdits } from './apply.js'
import { unifiedDiff } from './diff.js'
import { diffName } from './diff-name.js'
import { editName } from './edit-error.js'
import { decodeText, encodeChecked, representable, type TextEncoding } from './encoding.js'
import { dominantEol, type Eol, toLf, withEndings } from './line-endings.js'
import { splice } from './pieces.js'
import type { AppliedEdit, BomOption, EolOption, MatchMode } from './types.js'
import type { CheckedEdit } from './validate-edits.js'

/** How the text is read and written back. */
export interface TextOptions {
  eol: EolOption
  bom: BomOption
  encoding: 'auto' | BufferEncoding
  /** How oldString must match (default `'exact'`). */
  match?: MatchMode
}

/** The new content of an edited file, and what the edits did. */
export interface EditPlan {
  bytes: Buffer
  applied: AppliedEdit[]
  diff: string
}

function createConflict(path: string, current: Uint8Array): ConflictError {
  return new ConflictError(
    `${editName(0)} for ${path} has an empty oldString, which creates the file, but ${path} already exists and is not empty. Give the text to replace as oldString to edit it, or write it with writeFile to replace it. ${path} was left unchanged.`,
    { path, expected: null, actual: versionOf(current) },
  )
}

function finalBom(option: BomOption, had: boolean): boolean {
  return option === 'add' || (option === 'preserve' && had)
}

function forcedEol(option: EolOption): Eol | undefined {
  return option === 'lf' ? '\n' : option === 'crlf' ? '\r\n' : undefined
}

/**
 * Computes the edited content of a file from its bytes (`undefined`: the file does not exist) —
 * no I/O. Decodes, strips the BOM, turns CRLF into LF, matches every edit against that text as read
 * and makes all the replacements in one pass, restores each untouched line ending, gives each
 * replaced line the ending of the line it replaces (new lines that of their neighbours), re-encodes,
 * and diffs.
 * Throws `EditError`, `ConflictError` (creating over a non-empty file) or `EncodingError`.
 */
export function planEdits(
  current: Uint8Array | undefined,
  edits: readonly CheckedEdit[],
  options: TextOptions,
  path: string,
): EditPlan {
  const creating = edits[0]?.old === ''
  const decoded = current
    ? decodeText(current, options.encoding, path)
    : {
        text: '',
        bom: false,
        encoding: (options.encoding === 'auto' ? 'utf8' : options.encoding) as TextEncoding,
      }
  if (creating && decoded.text !== '') throw createConflict(path, current!)
  const lf = toLf(decoded.text)
  const withBom = finalBom(options.bom, decoded.bom)
  // A U+FEFF that a newString puts at offset 0 would double the file's BOM (or undo bom: 'strip').
  const dropBomAtStart = withBom || options.bom === 'strip'
  const { replacements, applied } = applyEdits(
    lf.lf,
    edits,
    path,
    dropBomAtStart,
    options.match === 'tolerant',
  )
  const eol = dominantEol(
    lf,
    edits.map((e) => e.rawNew),
  )
  const body = withEndings(splice(lf.lf, replacements), lf, eol, forcedEol(options.eol))
  const bom = withBom ? '\uFEFF' : ''
  const bytes = encodeChecked(bom + body, decoded.encoding, path, () => {
    const culprit = edits.find((e) => !representable(e.rawNew, decoded.encoding))
    return culprit ? `the newString of ${editName(culprit.index)}` : 'the byte order mark'
  })
  const oldFull = (decoded.bom ? '\uFEFF' : '') + decoded.text
  const name = diffName(path)
  const diff = unifiedDiff(oldFull, bom + body, current ? `a/${name}` : '/dev/null', `b/${name}`)
  return { bytes, applied, diff }
}
