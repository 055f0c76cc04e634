import type { WriteOutcome } from '../core/write-protocol.js'
import type { WriteOptions } from '../options.js'
import type { WriteStats } from '../stats.js'
import type { Tolerated } from './tolerant.js'

/**
 * One exact-text replacement.
 * @example
 * { oldString: 'const port = 80', newString: 'const port = 8080' }
 */
export interface Edit {
  /**
   * The text to replace, exactly as it appears in the file (CRLF and LF count as the same line ending).
   * Empty only in the first edit, to create a file that is missing or empty.
   */
  oldString: string
  /** The replacement text. */
  newString: string
  /**
   * Replace every occurrence (at least one) instead of requiring exactly one.
   * @default false
   */
  replaceAll?: boolean | undefined
  /**
   * Replace every occurrence and require exactly this many (an integer >= 1): another count fails with
   * `ERR_EDIT_COUNT_MISMATCH` (none at all with `ERR_EDIT_NOT_FOUND`).
   */
  expectedCount?: number | undefined
}

/** How the written file ends its lines: as before (`'preserve'`), or all `'lf'` / all `'crlf'`. */
export type EolOption = 'preserve' | 'lf' | 'crlf'

/** Whether the written file starts with a byte order mark: as before, always, or never. */
export type BomOption = 'preserve' | 'add' | 'strip'

/** Options of `multiEdit`: every write option, plus how the text is read and written back. */
export interface EditOptions extends Omit<WriteOptions, 'encoding'> {
  /**
   * Compute the result, the diff and every error, but write nothing (`changed: false`).
   * @default false
   */
  dryRun?: boolean | undefined
  /**
   * Line endings of the result. `'preserve'`: every line keeps its ending, a replaced line that of
   * the line it replaces, an added line that of its neighbours (the file's dominant ending when it has
   * none). `'lf'` / `'crlf'`: the whole file is converted.
   * @default 'preserve'
   */
  eol?: EolOption | undefined
  /**
   * Byte order mark of the result: kept as it was, added, or removed.
   * @default 'preserve'
   */
  bom?: BomOption | undefined
  /**
   * Text encoding of the file. `'auto'`: UTF-8, or UTF-16LE/BE when the file starts with that BOM.
   * @default 'auto'
   * @example { encoding: 'latin1' }
   */
  encoding?: 'auto' | BufferEncoding | undefined
  /**
   * `'tolerant'`: an edit whose oldString does not occur exactly applies to the one region that
   * differs from it only in indentation, trailing whitespace, line endings, quotes, dashes, spaces or
   * Unicode normalization (newString adapted to the region; `applied[i].tolerated` says what
   * differed). More than one such region → `ERR_EDIT_AMBIGUOUS`.
   * @default 'exact'
   */
  match?: MatchMode | undefined
}

/** How oldString must match: exactly, or up to the differences a hint names. */
export type MatchMode = 'exact' | 'tolerant'

/** What one edit did. */
export interface AppliedEdit {
  /** Position of the edit in the `edits` array (0-based). */
  index: number
  /** Occurrences replaced. */
  count: number
  /**
   * 1-based line numbers where the occurrences start, in the file as it was read (every edit is
   * matched against it, not against the result of the edits before it).
   */
  lines: number[]
  /** With `match: 'tolerant'`, what differed between oldString and the region it was applied to. */
  tolerated?: Tolerated[]
}

/** What `multiEdit` did: the write's stats, each edit's matches and a unified diff of the change. */
export interface EditResult extends WriteStats {
  applied: AppliedEdit[]
  /** Unified diff (`--- a/<name>` / `+++ b/<name>`, 3 lines of context) from the old to the new content. */
  diff: string
}

/** The protocol's outcome: a write outcome plus the edit details. */
export interface EditOutcome extends WriteOutcome {
  applied: AppliedEdit[]
  diff: string
}
