import { dirname, join, sep } from 'node:path'
import { LIBRARY_DIRNAME } from '../core/library-dir.js'
import {
  isTempName,
  isTempOf,
  isTransactionTemp,
  journalTagFor,
  journalTagOf,
  txidOfTemp,
} from '../core/temp-file.js'
import type { TempLiveness } from '../core/temp-liveness.js'
import { isForeign } from '../core/trusted-owner.js'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat, readdir, unlink } from '../steps/vocabulary.js'

/** Name of the journal directory a transaction creates in the deepest common parent of its targets. */
export const JOURNAL_DIRNAME = LIBRARY_DIRNAME
/** Manifest file name suffix. */
export const MANIFEST_SUFFIX = '.manifest'

/** The deepest directory that contains every path. */
export function commonParent(paths: readonly string[]): string {
  let common = dirname(paths[0]!)
  for (const p of paths) {
    while (common !== dirname(common) && !`${p}`.startsWith(common.endsWith(sep) ? common : common + sep)) {
      common = dirname(common)
    }
  }
  return common
}

/** Where the manifest of transaction `txid` lives. */
export function manifestPath(journalDir: string, txid: string): string {
  return join(journalDir, `${txid}${MANIFEST_SUFFIX}`)
}

/** The transaction id of a manifest file name, or undefined for other names. */
export function txidOf(name: string): string | undefined {
  return name.endsWith(MANIFEST_SUFFIX) ? name.slice(0, -MANIFEST_SUFFIX.length) : undefined
}

/**
 * Removes temp files of the library's naming below `dir` (never anything else, never through a
 * symlink, never inside a journal directory): those of transaction `txid`, or those `judge` calls
 * abandoned. Returns how many.
 */
export function* removeTemps(
  dir: string,
  which: { txid: string } | { judge: TempLiveness; journals: readonly string[] },
): Steps<number> {
  const names = yield* ignoring(readdir(dir), ['ENOENT', 'ENOTDIR', 'EACCES'], [] as string[])
  let removed = 0
  for (const name of names) {
    const path = join(dir, name)
    if ('txid' in which ? isTempOf(name, which.txid) : isTempName(name)) {
      const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
      // Another user's file is never removed, whatever its name claims.
      const remove =
        st?.isFile() === true &&
        !isForeign(st) &&
        ('txid' in which ||
          (which.judge(name, st.mtimeMs) === 'dead' && !(yield* transactionNeeds(dir, name, which.journals))))
      if (remove) {
        yield* ignoring(unlink(path), ['ENOENT'], undefined)
        removed++
      }
      continue
    }
    if (SKIPPED_DIRS.has(name)) continue
    const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
    if (st?.isDirectory()) removed += yield* removeTemps(path, which)
  }
  return removed
}

/** Directories a scan for temps and journals never enters. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', JOURNAL_DIRNAME])

/**
 * True when the transaction temp `name` in `dir` may still be needed by a committed transaction: a
 * manifest of its txid is in a journal of `dir` or of an ancestor (its transaction's default
 * journal), or in one of `journals`. A temp of a custom-journal transaction is needed unless one of
 * `journals` was named and none holds its manifest (that journal is nowhere else to be found).
 * Only names are looked up, nothing is read.
 */
function* transactionNeeds(dir: string, name: string, journals: readonly string[]): Steps<boolean> {
  const txid = txidOfTemp(name)
  if (txid === undefined) return false
  const manifest = `${txid}${MANIFEST_SUFFIX}`
  const has = (journal: string) => ignoring(lstat(join(journal, manifest)), ['ENOENT', 'ENOTDIR'], undefined)
  const tag = journalTagOf(name)
  if (tag !== undefined) {
    // Only the custom journal it names can say; one that is not among `journals` is not known here.
    const own = journals.find((j) => journalTagFor(dir, j) === tag)
    return own === undefined || (yield* has(own)) !== undefined
  }
  for (const j of journals) if (yield* has(j)) return true
  for (let d = dir; ; d = dirname(d)) {
    if (yield* has(join(d, JOURNAL_DIRNAME))) return true
    if (dirname(d) === d) return false
  }
}

/**
 * Removes, in `dir` (not below it), the temps of transactions whose writers are dead and that no
 * committed transaction needs (see `transactionNeeds`): they never reached their commit point, or
 * completed without them. Swallows its own errors.
 */
export function* sweepTransactionTemps(
  dir: string,
  judge: TempLiveness,
  journals: readonly string[] = [],
): Steps<number> {
  let removed = 0
  try {
    for (const name of yield* readdir(dir)) {
      if (!isTransactionTemp(name)) continue
      const path = join(dir, name)
      try {
        const st = yield* lstat(path)
        if (!st.isFile() || judge(name, st.mtimeMs) !== 'dead') continue
        if (yield* transactionNeeds(dir, name, journals)) continue
        yield* unlink(path)
        removed++
      } catch {
        // Gone already, or not ours to remove: the next sweep tries again.
      }
    }
  } catch {
    // An unreadable directory has nothing to sweep.
  }
  return removed
}
