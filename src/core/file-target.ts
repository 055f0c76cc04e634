import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FsLike } from '../fs/fs-like.js'
import type { Steps } from '../steps/op.js'
import { runSync } from '../steps/runner.js'
import { call, ignoring } from '../steps/vocabulary.js'
import { systemError } from './system-error.js'

/** The path as the caller gave it, when it ends with a separator (`'notes.txt/'`); else undefined. */
function directoryForm(path: unknown): string | undefined {
  let p: string
  if (typeof path === 'string') p = path
  else if (path instanceof URL && path.protocol === 'file:') p = fileURLToPath(path)
  else return undefined
  return p.endsWith('/') || p.endsWith(sep) ? p : undefined
}

/**
 * A path written with a trailing slash names a directory, so no file can be written there (path
 * resolution drops the slash, so this is checked before). As open(2) would: `ENOTDIR` when it names
 * an existing non-directory, `EISDIR` when it names a directory or nothing; the error names the path
 * as given. Costs one stat, and only for such a path.
 */
export function* refuseDirectoryForm(path: unknown, abs: string): Steps<void> {
  const given = directoryForm(path)
  if (given === undefined) return
  const st = yield* ignoring(call('stat', abs), ['ENOENT', 'ENOTDIR'], undefined)
  if (st && !st.isDirectory()) throw systemError('ENOTDIR', 'open', given)
  throw systemError('EISDIR', 'open', given)
}

/** {@link refuseDirectoryForm} run at once on `fs`, for calls that check their paths synchronously. */
export function refuseDirectoryFormSync(path: unknown, abs: string, fs: FsLike): void {
  if (directoryForm(path) !== undefined) runSync(refuseDirectoryForm(path, abs), fs)
}
