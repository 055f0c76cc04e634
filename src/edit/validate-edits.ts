import { describe } from '../errors.js'
import { EditError, editName, unchanged } from './edit-error.js'

/** An edit after its shape was checked, with the strings as they are matched (LF endings, no leading BOM). */
export interface CheckedEdit {
  index: number
  /** `oldString` with CRLF as LF and without a leading BOM; empty for the creating edit. */
  old: string
  /** `newString` with CRLF as LF. */
  new: string
  /** Replace every occurrence (`replaceAll` or `expectedCount`). */
  all: boolean
  expectedCount: number | undefined
  /** The caller's `newString`, for messages about encodings. */
  rawNew: string
}

const KEYS = new Set(['oldString', 'newString', 'replaceAll', 'expectedCount'])
const ALIASES: Record<string, string> = {
  old_string: 'oldString',
  new_string: 'newString',
  replace_all: 'replaceAll',
  expected_count: 'expectedCount',
  expected_replacements: 'expectedCount',
}

/** CRLF → LF, and a leading BOM removed: the form in which strings are matched. */
export function matchForm(text: string): string {
  const lf = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text
  return lf.charCodeAt(0) === 0xfeff ? lf.slice(1) : lf
}

function invalid(path: string, index: number | undefined, problem: string): EditError {
  const which = index === undefined ? '`edits`' : editName(index)
  return new EditError('ERR_EDIT_INVALID', `${which} for ${path} is invalid: ${problem} ${unchanged(path)}`, {
    path,
    editIndex: index,
  })
}

function checkKeys(edit: object, path: string, i: number): void {
  for (const key of Object.keys(edit)) {
    if (KEYS.has(key)) continue
    const alias = ALIASES[key]
    const fix = alias ? ` Rename \`${key}\` to \`${alias}\`.` : ''
    throw invalid(
      path,
      i,
      `it has an unknown property \`${key}\`; an edit has only oldString, newString, replaceAll and expectedCount.${fix}`,
    )
  }
}

function checkOne(edit: unknown, path: string, i: number): CheckedEdit {
  if (typeof edit !== 'object' || edit === null || Array.isArray(edit)) {
    throw invalid(path, i, `expected an object { oldString, newString }, got ${describe(edit)}.`)
  }
  checkKeys(edit, path, i)
  const { oldString, newString, replaceAll, expectedCount } = edit as Record<string, unknown>
  if (typeof oldString !== 'string')
    throw invalid(path, i, `oldString must be a string, got ${describe(oldString)}.`)
  if (typeof newString !== 'string')
    throw invalid(path, i, `newString must be a string, got ${describe(newString)}.`)
  if (replaceAll !== undefined && typeof replaceAll !== 'boolean')
    throw invalid(path, i, `replaceAll must be a boolean, got ${describe(replaceAll)}.`)
  if (expectedCount !== undefined && (!Number.isInteger(expectedCount) || (expectedCount as number) < 1)) {
    throw invalid(path, i, `expectedCount must be an integer >= 1, got ${describe(expectedCount)}.`)
  }
  const count = expectedCount as number | undefined
  if (replaceAll === false && count !== undefined && count > 1) {
    throw invalid(
      path,
      i,
      `replaceAll is false but expectedCount is ${count}; expectedCount replaces every occurrence, so drop replaceAll or set it to true.`,
    )
  }
  if (oldString === '') {
    if (i > 0) {
      throw invalid(
        path,
        i,
        'oldString is empty; only the first edit may have an empty oldString (to create the file). Give the exact text to replace.',
      )
    }
    if (replaceAll !== undefined || count !== undefined) {
      throw invalid(
        path,
        i,
        'an empty oldString creates the file, which cannot be combined with replaceAll or expectedCount.',
      )
    }
  }
  if (oldString === newString) {
    throw new EditError(
      'ERR_EDIT_NO_OP',
      `${editName(i)} for ${path} changes nothing: oldString and newString are identical. Remove the edit or correct newString. ${unchanged(path)}`,
      { path, editIndex: i },
    )
  }
  const old = matchForm(oldString)
  const stripBom = oldString.replace(/\r\n/g, '\n') !== old
  const neu = stripBom ? matchForm(newString) : newString.replace(/\r\n/g, '\n')
  if (oldString !== '' && old === '') {
    throw invalid(
      path,
      i,
      'oldString holds only a byte order mark, which matching ignores. Give the text to replace.',
    )
  }
  if (old === neu) {
    throw new EditError(
      'ERR_EDIT_NO_OP',
      `${editName(i)} for ${path} changes nothing: oldString and newString differ only in line endings or a byte order mark, which edits leave as the file has them. Use the eol or bom option to convert them. ${unchanged(path)}`,
      { path, editIndex: i },
    )
  }
  return {
    index: i,
    old,
    new: neu,
    all: replaceAll === true || count !== undefined,
    expectedCount: count,
    rawNew: newString,
  }
}

/**
 * Checks the shape of `edits` (before any I/O): a non-empty array of `{ oldString, newString,
 * replaceAll?, expectedCount? }`. Throws `ERR_EDIT_INVALID` or `ERR_EDIT_NO_OP` naming the edit.
 */
export function checkEdits(edits: unknown, path: string): CheckedEdit[] {
  if (!Array.isArray(edits)) {
    throw invalid(
      path,
      undefined,
      `expected a non-empty array of { oldString, newString }, got ${describe(edits)}.`,
    )
  }
  if (edits.length === 0) {
    throw invalid(path, undefined, 'the array is empty; give at least one { oldString, newString }.')
  }
  return edits.map((edit, i) => checkOne(edit, path, i))
}
