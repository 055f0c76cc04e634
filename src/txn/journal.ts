import type { Stats } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { LIBRARY_DIRNAME } from '../core/library-dir.js'
import { isTempName, isTempOf } from '../core/temp-file.js'
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
 * Decides whether a temp file may be removed: true when its writer is gone (dead, or done with it).
 * The default is the judge of src/core (writer identity recorded in the temp name).
 */
export type TempJudge = (name: string, stat: Stats) => boolean

/**
 * Removes temp files of the library's naming below `dir` (never anything else, never through a
 * symlink, never inside a journal directory): those of transaction `txid`, or those `judge` calls
 * abandoned. Returns how many.
 */
export function* removeTemps(dir: string, which: { txid: string } | { judge: TempJudge }): Steps<number> {
  const names = yield* ignoring(readdir(dir), ['ENOENT', 'ENOTDIR', 'EACCES'], [] as string[])
  let removed = 0
  for (const name of names) {
    const path = join(dir, name)
    if ('txid' in which ? isTempOf(name, which.txid) : isTempName(name)) {
      const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
      if (st?.isFile() && ('txid' in which || which.judge(name, st))) {
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
