/**
 * The text being edited as a piece table: runs of original text (remembering where they were in the
 * original, so their line endings can be restored) and runs inserted by an edit. Edits never move
 * text, so original pieces stay in original order.
 */

/** A run of the current text. */
export interface Piece {
  readonly text: string
  /** Offset of this run in the original text, or -1 for inserted text. */
  readonly orig: number
  /** Index of the edit that inserted it, or -1 for original text. */
  readonly edit: number
}

/** One replacement in current-text coordinates. */
export interface Replacement {
  start: number
  end: number
  insert: string
}

/** A range of inserted text in current-text coordinates. */
export interface InsertedRange {
  start: number
  end: number
  edit: number
}

/** The current text and the pieces it is made of. */
export class PieceText {
  #pieces: Piece[]
  #text: string

  constructor(original: string) {
    this.#pieces = original === '' ? [] : [{ text: original, orig: 0, edit: -1 }]
    this.#text = original
  }

  /** The current text. */
  get text(): string {
    return this.#text
  }

  /** The pieces, in order. */
  get pieces(): readonly Piece[] {
    return this.#pieces
  }

  /** Ranges of text inserted by earlier edits, in order. */
  inserted(): InsertedRange[] {
    const out: InsertedRange[] = []
    let at = 0
    for (const p of this.#pieces) {
      if (p.edit >= 0) out.push({ start: at, end: at + p.text.length, edit: p.edit })
      at += p.text.length
    }
    return out
  }

  /** Applies non-overlapping replacements, sorted by position, made by edit `edit`. */
  replace(replacements: readonly Replacement[], edit: number): void {
    const out: Piece[] = []
    const parts: string[] = []
    const keep = (p: Piece, from: number, to: number) => {
      if (to <= from) return
      const text = from === 0 && to === p.text.length ? p.text : p.text.slice(from, to)
      out.push({ text, orig: p.orig < 0 ? -1 : p.orig + from, edit: p.edit })
    }
    let r = 0
    let pieceStart = 0
    let pending: Replacement | undefined = replacements[0]
    let textAt = 0
    for (const p of this.#pieces) {
      const pieceEnd = pieceStart + p.text.length
      let cursor = pieceStart
      while (pending && pending.start < pieceEnd) {
        keep(p, cursor - pieceStart, Math.max(cursor, pending.start) - pieceStart)
        if (pending.start >= cursor) this.#insert(out, pending.insert, edit)
        cursor = Math.max(cursor, pending.start)
        if (pending.end > pieceEnd) {
          cursor = pieceEnd
          break
        }
        cursor = Math.max(cursor, pending.end)
        pending = replacements[++r]
      }
      keep(p, cursor - pieceStart, p.text.length)
      pieceStart = pieceEnd
    }
    while (pending) {
      if (pending.start >= pieceStart) this.#insert(out, pending.insert, edit)
      pending = replacements[++r]
    }
    for (const rep of replacements) {
      parts.push(this.#text.slice(textAt, rep.start), rep.insert)
      textAt = rep.end
    }
    parts.push(this.#text.slice(textAt))
    this.#pieces = out
    this.#text = parts.join('')
  }

  #insert(out: Piece[], text: string, edit: number): void {
    if (text !== '') out.push({ text, orig: -1, edit })
  }
}
