import { EditError, editName, listLines, quote, unchanged } from './edit-error.js'
import { commonEnds, findAll, linesAt, mergeRegions, overlapping, type Region } from './match.js'
import { findNearMatch } from './near-match.js'
import { joined, type Replacement, splice } from './pieces.js'
import { findTolerant } from './tolerant.js'
import type { AppliedEdit } from './types.js'
import type { CheckedEdit } from './validate-edits.js'

/** Where the edits change the text as read, and what each of them did. */
export interface AppliedEdits {
  /** Ascending, disjoint, in the coordinates of the text as read. */
  replacements: Replacement[]
  applied: AppliedEdit[]
}

/** What every edit is matched against, and what the edits before the current one claimed. */
interface Matching {
  original: string
  path: string
  /** Drop a U+FEFF that a newString would put at offset 0 (the file has or gets its own BOM). */
  dropBomAtStart: boolean
  regions: Region[]
  /** Replacements of the edits so far, with the start of the region each lies in. */
  made: { rep: Replacement; region: number }[]
  /** `match: 'tolerant'`: an edit with no exact occurrence may apply to a region that differs only invisibly. */
  tolerant: boolean
}

const BOM = '\uFEFF'
/** A one-line newString shorter than this (trimmed) is not taken as proof that an edit was made. */
const MIN_APPLIED = 8

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function lineOf(text: string, offset: number): number {
  return linesAt(text, [offset])[0]!
}

/** The replacements so far in text order; insertions at one offset in the order of their regions. */
function allMade(m: Matching): Replacement[] {
  return m.made.sort((a, b) => a.rep.start - b.rep.start || a.region - b.region).map((x) => x.rep)
}

function mergeHint(i: number, other: number): string {
  return `Every edit is matched against the file as it was read, and no two edits may change the same text: merge ${editName(i)} into ${editName(other)} (one oldString covering both places, with both changes in its newString), or drop one of them.`
}

/**
 * When `old` is not in the text as read but appears once the earlier edits are made, across or
 * inside text one of them inserts: that edit's index and the line where it changes the file.
 */
function inEarlierOutput(m: Matching, old: string): { edit: number; line: number } | undefined {
  const reps = allMade(m)
  if (reps.length === 0) return undefined
  const pieces = splice(m.original, reps)
  const text = joined(pieces)
  const found = findAll(text, old)
  if (found.length === 0) return undefined
  // Where each replacement's insertion is in `text`: [start, end), possibly empty (a deletion).
  const spans: { start: number; end: number; rep: Replacement }[] = []
  let at = 0
  let cursor = 0
  for (const r of reps) {
    at += r.start - cursor
    spans.push({ start: at, end: at + r.insert.length, rep: r })
    at += r.insert.length
    cursor = r.end
  }
  // Both lists ascend: one pass. A match hits a non-empty insertion it shares a character with, or a
  // deletion point strictly inside it.
  let j = 0
  for (const s of found) {
    const e = s + old.length
    while (j < spans.length && Math.max(spans[j]!.end, spans[j]!.start + 1) <= s) j++
    for (let k = j; k < spans.length && spans[k]!.start < e; k++) {
      const sp = spans[k]!
      if (sp.start < sp.end ? s < sp.end : s < sp.start) {
        return { edit: sp.rep.edit, line: lineOf(m.original, sp.rep.start) }
      }
    }
  }
  return undefined
}

/** newString where oldString would have gone: as often as the edit asks for. */
function alreadyApplied(m: Matching, edit: CheckedEdit): number[] | undefined {
  const neu = edit.new.startsWith(BOM) ? edit.new.slice(1) : edit.new
  const { prefix, suffix } = commonEnds(edit.old, neu)
  const changed = neu.slice(prefix, neu.length - suffix)
  // A newString that only removes text from oldString says nothing by being present, and a short
  // one on a single line may be there by chance.
  if (changed.trim() === '' || (neu.trim().length < MIN_APPLIED && !neu.includes('\n'))) return undefined
  const found = findAll(m.original, neu)
  const wanted = edit.expectedCount ?? (edit.all ? found.length : 1)
  if (found.length === 0 || found.length !== wanted) return undefined
  if (found.some((s) => overlapping(m.regions, s, s + neu.length))) return undefined
  return found
}

function notFound(m: Matching, edit: CheckedEdit): EditError {
  const { original, path } = m
  const i = edit.index
  const earlier = inEarlierOutput(m, edit.old)
  if (earlier) {
    return new EditError(
      'ERR_EDIT_OVERLAP',
      `${editName(i)} for ${path} did not match the file as it was read: its oldString only appears once ${editName(earlier.edit)} of this call has changed line ${earlier.line}. ${mergeHint(i, earlier.edit)} ${unchanged(path)}`,
      {
        path,
        editIndex: i,
        otherIndex: earlier.edit,
        matches: { count: 1, lines: [earlier.line] },
        hint: mergeHint(i, earlier.edit),
      },
    )
  }
  const already = alreadyApplied(m, edit)
  if (already) {
    const lines = linesAt(original, already)
    const where = lines.length === 1 ? `line ${lines[0]}` : `lines ${listLines(lines)}`
    const hint = `The file already has newString at ${where} and oldString nowhere: this edit seems to have been made already (by an earlier call). Drop it; if it is still needed, read the file again and give the text as it is now as oldString.`
    return new EditError(
      'ERR_EDIT_ALREADY_APPLIED',
      `${editName(i)} for ${path} was not applied: oldString was not found in the file, but newString is already there. ${hint} ${unchanged(path)}`,
      { path, editIndex: i, line: lines[0], matches: { count: lines.length, lines }, hint },
    )
  }
  const { nearMatch, hint } = findNearMatch(original, edit.old)
  const where =
    i > 0
      ? ' (each edit is matched against the file as it was read, not as the edits before it leave it)'
      : ''
  const parts = [`${editName(i)} for ${path} did not match: oldString was not found in the file${where}.`]
  if (nearMatch) {
    parts.push(
      `The closest text is at line ${nearMatch.line} (similarity ${nearMatch.similarity}): ${quote(nearMatch.text, 300)}.`,
    )
  }
  if (hint) parts.push(hint)
  else parts.push('Read the file again and copy oldString exactly, including whitespace and quotes.')
  parts.push(unchanged(path))
  return new EditError('ERR_EDIT_NOT_FOUND', parts.join(' '), { path, editIndex: i, nearMatch, hint })
}

function overlap(
  m: Matching,
  edit: CheckedEdit,
  starts: number[],
  lines: number[],
  other: Region,
): EditError {
  const i = edit.index
  const at = lines[starts.findIndex((s) => overlapping([other], s, s + edit.old.length))]!
  const otherLine = lineOf(m.original, other.start)
  const hint = mergeHint(i, other.edit)
  return new EditError(
    'ERR_EDIT_OVERLAP',
    `${editName(i)} for ${m.path} overlaps ${editName(other.edit)}: its oldString at line ${at} shares text with what ${editName(other.edit)} replaces (from line ${otherLine}). ${hint} ${unchanged(m.path)}`,
    { path: m.path, editIndex: i, otherIndex: other.edit, matches: { count: starts.length, lines }, hint },
  )
}

function checkCount(edit: CheckedEdit, lines: number[], path: string): void {
  const i = edit.index
  const count = lines.length
  const matches = { count, lines }
  if (edit.expectedCount !== undefined && count !== edit.expectedCount) {
    throw new EditError(
      'ERR_EDIT_COUNT_MISMATCH',
      `${editName(i)} for ${path} expected ${plural(edit.expectedCount, 'occurrence')} of oldString but found ${count}, at lines ${listLines(lines)}. Make oldString more specific, or set expectedCount to ${count} if every one of them should change. ${unchanged(path)}`,
      { path, editIndex: i, matches, expectedCount: edit.expectedCount },
    )
  }
  if (!edit.all && count > 1) {
    throw new EditError(
      'ERR_EDIT_AMBIGUOUS',
      `${editName(i)} for ${path} is ambiguous: oldString occurs ${count} times, at lines ${listLines(lines)}. Include more surrounding text in oldString so that it matches once, or set replaceAll: true (or expectedCount: ${count}) to change every occurrence. ${unchanged(path)}`,
      { path, editIndex: i, matches },
    )
  }
}

/** The replacement for one occurrence: only the part that really differs (common ends trimmed). */
function replacementAt(m: Matching, edit: CheckedEdit, start: number): Replacement {
  const neu = start === 0 && m.dropBomAtStart && edit.new.startsWith(BOM) ? edit.new.slice(1) : edit.new
  const { prefix, suffix } = commonEnds(edit.old, neu)
  return {
    start: start + prefix,
    end: start + edit.old.length - suffix,
    insert: neu.slice(prefix, neu.length - suffix),
    edit: edit.index,
    whole: { start, end: start + edit.old.length, insert: neu },
  }
}

/**
 * `match: 'tolerant'` for an edit with no exact occurrence: the one region that differs from
 * oldString only in what a hint names, with newString adapted to it. Undefined when no region
 * qualifies (the caller reports it not found); ERR_EDIT_AMBIGUOUS when several do, ERR_EDIT_OVERLAP
 * when the region shares text with an earlier edit's.
 */
function matchTolerant(m: Matching, edit: CheckedEdit): AppliedEdit | undefined {
  const found = findTolerant(m.original, edit.old, edit.new)
  if (found === null) return undefined
  const i = edit.index
  if ('ambiguous' in found) {
    const lines = found.ambiguous
    throw new EditError(
      'ERR_EDIT_AMBIGUOUS',
      `${editName(i)} for ${m.path} is ambiguous under match: 'tolerant': ${lines.length} regions differ from oldString only in whitespace, quotes, dashes or the like, at lines ${listLines(lines)}. Include more surrounding text in oldString, copied exactly from the file, so that one region matches. ${unchanged(m.path)}`,
      { path: m.path, editIndex: i, matches: { count: lines.length, lines } },
    )
  }
  const line = lineOf(m.original, found.start)
  const other = overlapping(m.regions, found.start, found.end)
  if (other)
    throw overlap(m, { ...edit, old: m.original.slice(found.start, found.end) }, [found.start], [line], other)
  m.regions = mergeRegions(m.regions, [{ start: found.start, end: found.end, edit: i }])
  // Only what really differs from the region is replaced, so untouched characters keep their endings.
  const region = m.original.slice(found.start, found.end)
  const { prefix, suffix } = commonEnds(region, found.newString)
  const rep: Replacement = {
    start: found.start + prefix,
    end: found.end - suffix,
    insert: found.newString.slice(prefix, found.newString.length - suffix),
    edit: i,
    whole: { start: found.start, end: found.end, insert: found.newString },
  }
  m.made.push({ rep, region: found.start })
  return { index: i, count: 1, lines: [line], tolerated: found.tolerated }
}

/** Matches one edit against the text as read, or throws the EditError that says why it cannot apply. */
function matchOne(m: Matching, edit: CheckedEdit): AppliedEdit {
  if (edit.old === '') {
    // The creating edit (only ever edits[0], on an empty file).
    m.made.push({ rep: { start: 0, end: 0, insert: edit.new, edit: edit.index }, region: 0 })
    return { index: edit.index, count: 1, lines: [1] }
  }
  const starts = findAll(m.original, edit.old)
  if (starts.length === 0 && m.tolerant && !edit.all && (edit.expectedCount ?? 1) === 1) {
    const tolerated = matchTolerant(m, edit)
    if (tolerated) return tolerated
  }
  if (starts.length === 0) throw notFound(m, edit)
  const lines = linesAt(m.original, starts)
  for (const s of starts) {
    const other = overlapping(m.regions, s, s + edit.old.length)
    if (other) throw overlap(m, edit, starts, lines, other)
  }
  checkCount(edit, lines, m.path)
  m.regions = mergeRegions(
    m.regions,
    starts.map((s) => ({ start: s, end: s + edit.old.length, edit: edit.index })),
  )
  for (const s of starts) m.made.push({ rep: replacementAt(m, edit, s), region: s })
  return { index: edit.index, count: starts.length, lines }
}

/**
 * Matches every edit against `original` (the text as read, LF endings, no BOM) — never against the
 * result of the edits before it — and returns all the replacements, to be made in one pass. An
 * edit's occurrences must not share text with an earlier edit's (`ERR_EDIT_OVERLAP`), and how often
 * it occurs is counted in `original`. Only the part of a replacement that really differs (common
 * prefix and suffix trimmed) is replaced, so untouched characters keep their line endings.
 * Throws an {@link EditError} naming the first edit that cannot apply.
 * @param dropBomAtStart the file has (or gets) a byte order mark, so a U+FEFF that starts a
 *   newString replacing text at offset 0 is dropped rather than doubled
 * @param tolerant `match: 'tolerant'`: see {@link matchTolerant}
 */
export function applyEdits(
  original: string,
  edits: readonly CheckedEdit[],
  path: string,
  dropBomAtStart: boolean,
  tolerant = false,
): AppliedEdits {
  const m: Matching = { original, path, dropBomAtStart, regions: [], made: [], tolerant }
  const applied = edits.map((edit) => matchOne(m, edit))
  return { replacements: allMade(m), applied }
}
