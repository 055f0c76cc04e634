import { EditError, editName, listLines, quote, unchanged } from './edit-error.js'
import { commonEnds, findAll, linesAt, overlapsInserted } from './match.js'
import { findNearMatch } from './near-match.js'
import type { PieceText, Replacement } from './pieces.js'
import type { AppliedEdit } from './types.js'
import type { CheckedEdit } from './validate-edits.js'

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function notFound(doc: PieceText, edit: CheckedEdit, original: string, path: string): EditError {
  const i = edit.index
  const { nearMatch, hint: closeHint } = findNearMatch(doc.text, edit.old)
  const changedEarlier = i > 0 && doc.text !== original && original.includes(edit.old)
  const hint = changedEarlier
    ? 'oldString was in the file before this call, but an earlier edit of this call changed it. Edits apply in order, each to the result of the one before: match the text as the earlier edits left it, or merge the two edits.'
    : closeHint
  const where = i > 0 ? ' (as the earlier edits of this call left it)' : ''
  const parts = [`${editName(i)} for ${path} did not match: oldString was not found in the file${where}.`]
  if (nearMatch) {
    parts.push(
      `The closest text is at line ${nearMatch.line} (similarity ${nearMatch.similarity}): ${quote(nearMatch.text, 300)}.`,
    )
  }
  if (hint) parts.push(hint)
  if (!hint) parts.push('Read the file again and copy oldString exactly, including whitespace and quotes.')
  parts.push(unchanged(path))
  return new EditError('ERR_EDIT_NOT_FOUND', parts.join(' '), { path, editIndex: i, nearMatch, hint })
}

function checkCount(edit: CheckedEdit, lines: number[], byEarlier: number, path: string): void {
  const i = edit.index
  const count = lines.length
  const matches = { count, lines }
  const inserted =
    byEarlier > 0 ? ` (${byEarlier} of them in text inserted by earlier edits of this call)` : ''
  if (edit.expectedCount !== undefined && count !== edit.expectedCount) {
    throw new EditError(
      'ERR_EDIT_COUNT_MISMATCH',
      `${editName(i)} for ${path} expected ${plural(edit.expectedCount, 'occurrence')} of oldString but found ${count}${inserted}, at lines ${listLines(lines)}. Make oldString more specific, or set expectedCount to ${count} if every one of them should change. ${unchanged(path)}`,
      { path, editIndex: i, matches, expectedCount: edit.expectedCount },
    )
  }
  if (!edit.all && count > 1) {
    throw new EditError(
      'ERR_EDIT_AMBIGUOUS',
      `${editName(i)} for ${path} is ambiguous: oldString occurs ${count} times${inserted}, at lines ${listLines(lines)}. Include more surrounding text in oldString so that it matches once, or set replaceAll: true (or expectedCount: ${count}) to change every occurrence. ${unchanged(path)}`,
      { path, editIndex: i, matches },
    )
  }
}

/** Applies one edit to the text, or throws the EditError that says why it cannot. */
function applyOne(doc: PieceText, edit: CheckedEdit, original: string, path: string): AppliedEdit {
  const starts = findAll(doc.text, edit.old)
  if (starts.length === 0) throw notFound(doc, edit, original, path)
  const lines = linesAt(doc.text, starts)
  const owners = overlapsInserted(starts, edit.old.length, doc.inserted())
  const byEarlier = owners.filter((o) => o >= 0).length
  if (byEarlier === starts.length) {
    const owner = owners[0]!
    throw new EditError(
      'ERR_EDIT_OVERLAP',
      `${editName(edit.index)} for ${path} matches only text inserted by ${editName(owner)} of this call (line ${listLines(lines)}). Each edit must match text that was in the file before the call: put this change into the newString of ${editName(owner)} instead. ${unchanged(path)}`,
      { path, editIndex: edit.index, matches: { count: starts.length, lines } },
    )
  }
  checkCount(edit, lines, byEarlier, path)
  const { prefix, suffix } = commonEnds(edit.old, edit.new)
  const insert = edit.new.slice(prefix, edit.new.length - suffix)
  const replacements: Replacement[] = starts.map((s) => ({
    start: s + prefix,
    end: s + edit.old.length - suffix,
    insert,
  }))
  doc.replace(replacements, edit.index)
  return { index: edit.index, count: starts.length, lines }
}

/**
 * Applies the edits in order, each to the result of the one before, on LF text. Only the part of a
 * replacement that really differs (common prefix and suffix trimmed) counts as inserted, so untouched
 * characters keep their original line endings. Throws an {@link EditError} naming the first edit that
 * cannot apply; `doc` is then partly edited and must be discarded.
 */
export function applyEdits(doc: PieceText, edits: readonly CheckedEdit[], path: string): AppliedEdit[] {
  const original = doc.text
  return edits.map((edit) => applyOne(doc, edit, original, path))
}
