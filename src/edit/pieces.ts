/**
 * The edited text as pieces: runs of the text as read (remembering where they were, so their line
 * endings can be restored) and the strings the edits put in place of the parts they replaced. Every
 * replacement is in the coordinates of the text as read, so the result is built in one pass.
 */

/** One replacement in the coordinates of the text as read. */
export interface Replacement {
  /** Start of the replaced part of the text as read. */
  start: number
  /** End (exclusive) of the replaced part; `start` for a pure insertion. */
  end: number
  /** The text put in its place (LF line endings). */
  insert: string
  /** Index of the edit that made it. */
  edit: number
  /**
   * The whole replacement this one was trimmed from (the common prefix and suffix of oldString and
   * newString put back): the lines its line endings are taken from.
   */
  whole?: { start: number; end: number; insert: string } | undefined
}

/** A run of the edited text. */
export interface Piece {
  readonly text: string
  /** Offset of this run in the text as read, or -1 for inserted text. */
  readonly orig: number
  /** For inserted text: the replacement it comes from. */
  readonly from?: Replacement
}

/**
 * The pieces of `original` with `replacements` (ascending, disjoint; insertions at the same offset
 * in the order given) made, in one pass. Empty pieces are left out.
 */
export function splice(original: string, replacements: readonly Replacement[]): Piece[] {
  const out: Piece[] = []
  let at = 0
  for (const r of replacements) {
    if (r.start > at) out.push({ text: original.slice(at, r.start), orig: at })
    if (r.insert !== '') out.push({ text: r.insert, orig: -1, from: r })
    at = Math.max(at, r.end)
  }
  if (at < original.length) out.push({ text: at === 0 ? original : original.slice(at), orig: at })
  return out
}

/** The text of `pieces`, joined. */
export function joined(pieces: readonly Piece[]): string {
  return pieces.map((p) => p.text).join('')
}
