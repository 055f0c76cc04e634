import { dirname, join, sep } from 'node:path'
import { isTempName, isTempOf } from '../core/temp-file.js'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat, readdir, unlink } from '../steps/vocabulary.js'

/** Name of the journal directory a transaction creates in the deepest common parent of its targets. */
export const JOURNAL_DIRNAME = '.durable-write'
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
 * Removes temp files of the library's own naming below `dir` (never anything else, never through a
 * symlink): those of transaction `txid`, or every one when `txid` is undefined. Returns how many.
 */
export function* removeTemps(dir: string, txid: string | undefined): Steps<number> {
  const names = yield* ignoring(readdir(dir), ['ENOENT', 'ENOTDIR', 'EACCES'], [] as string[])
  let removed = 0
  for (const name of names) {
    const path = join(dir, name)
    if (txid === undefined ? isTempName(name) : isTempOf(name, txid)) {
      const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
      if (st?.isFile()) {
        yield* ignoring(unlink(path), ['ENOENT'], undefined)
        removed++
      }
      continue
    }
    if (name === 'node_modules' || name === '.git') continue
    const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
    if (st?.isDirectory()) removed += yield* removeTemps(path, txid)
  }
  return removed
}
