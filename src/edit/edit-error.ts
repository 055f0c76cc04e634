import { DurableWriteError, type ErrorDetails } from '../errors.js'

/** Codes of the errors an edit can fail with (besides `ERR_CONFLICT` and `ERR_ENCODING`). */
export type EditErrorCode =
  | 'ERR_EDIT_NOT_FOUND'
  | 'ERR_EDIT_AMBIGUOUS'
  | 'ERR_EDIT_COUNT_MISMATCH'
  | 'ERR_EDIT_NO_OP'
  | 'ERR_EDIT_OVERLAP'
  | 'ERR_EDIT_ALREADY_APPLIED'
  | 'ERR_EDIT_INVALID'

/** The region of the file closest to an `oldString` that was not found. */
export interface NearMatch {
  /** 1-based line where the region starts, in the file as it was read. */
  line: number
  /** 0..1, on text compared without regard to whitespace, quote style and line endings. */
  similarity: number
  /** The region as it is in the file (LF line endings, no BOM): usable as `oldString`. */
  text: string
}

/** Where an `oldString` matched. */
export interface MatchInfo {
  count: number
  /** 1-based line numbers where the occurrences start. */
  lines: number[]
}

/** Details of an {@link EditError}. */
export interface EditErrorDetails extends ErrorDetails {
  path: string
  editIndex: number | undefined
  nearMatch?: NearMatch | undefined
  hint?: string | undefined
  matches?: MatchInfo | undefined
  expectedCount?: number | undefined
  otherIndex?: number | undefined
  line?: number | undefined
}

/**
 * An edit of `multiEdit` could not be applied; the file was left unchanged. `editIndex` says which
 * edit (0-based), and the other fields say what to change.
 */
export class EditError extends DurableWriteError {
  /** The failing edit's position in `edits` (0-based); `undefined` when `edits` itself is malformed. */
  readonly editIndex: number | undefined
  /** `ERR_EDIT_NOT_FOUND`: the closest region, when something close exists. */
  readonly nearMatch?: NearMatch
  /**
   * What to do next. `ERR_EDIT_NOT_FOUND`: what differs, when the difference is only indentation,
   * quotes, line endings or a BOM; `ERR_EDIT_OVERLAP`: which two edits to merge;
   * `ERR_EDIT_ALREADY_APPLIED`: where newString already is.
   */
  readonly hint?: string
  /**
   * `ERR_EDIT_AMBIGUOUS`, `ERR_EDIT_COUNT_MISMATCH`, `ERR_EDIT_OVERLAP`: where `oldString` occurs;
   * `ERR_EDIT_ALREADY_APPLIED`: where `newString` occurs.
   */
  readonly matches?: MatchInfo
  /** `ERR_EDIT_COUNT_MISMATCH`: the count the edit asked for. */
  readonly expectedCount?: number
  /** `ERR_EDIT_OVERLAP`: the earlier edit (0-based) whose region this edit's `oldString` overlaps. */
  readonly otherIndex?: number
  /** `ERR_EDIT_ALREADY_APPLIED`: 1-based line, in the file as read, where `newString` already is. */
  readonly line?: number

  constructor(code: EditErrorCode, message: string, details: EditErrorDetails) {
    super(code, message, details)
    this.name = 'EditError'
    this.editIndex = details.editIndex
    if (details.nearMatch !== undefined) this.nearMatch = details.nearMatch
    if (details.hint !== undefined) this.hint = details.hint
    if (details.matches !== undefined) this.matches = details.matches
    if (details.expectedCount !== undefined) this.expectedCount = details.expectedCount
    if (details.otherIndex !== undefined) this.otherIndex = details.otherIndex
    if (details.line !== undefined) this.line = details.line
  }
}

/** The sentence every edit error ends with. */
export function unchanged(path: string): string {
  return `${path} was left unchanged.`
}

/** `edits[i]`, as messages name an edit. */
export function editName(index: number): string {
  return `edits[${index}]`
}

/** Line numbers for a message: the first few, then how many more. */
export function listLines(lines: readonly number[], max = 10): string {
  const shown = lines.slice(0, max).join(', ')
  return lines.length > max ? `${shown} and ${lines.length - max} more` : shown
}

/** A string for a message, quoted and shortened. */
export function quote(text: string, max = 120): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)
}
