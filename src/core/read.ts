import type { Steps } from '../steps/op.js'
import { readFile } from '../steps/vocabulary.js'
import { type Version, versionOf } from '../version.js'
import { checkRoot } from './resolve-target.js'
import { systemError } from './system-error.js'

/** Content with its version. */
export interface Versioned<C> {
  content: C
  version: Version
}

/** Reads a file and computes its version from the same bytes. */
export function* readVersionedSteps(path: string): Steps<{ bytes: Buffer; version: Version }> {
  const bytes = yield* namingPath(readFile(path), path)
  return { bytes, version: versionOf(bytes) }
}

/**
 * Runs a read, giving a system error that names no path (readFile of a directory: "EISDIR: illegal
 * operation on a directory, read") the path it is about.
 */
export function* namingPath<T>(steps: Steps<T>, path: string): Steps<T> {
  try {
    return yield* steps
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (typeof e?.code === 'string' && e.path === undefined && typeof e.syscall === 'string')
      throw systemError(e.code, e.syscall, path)
    throw err
  }
}

/**
 * Runs the read `steps` of `path` only once `path` is known to stay inside `root` (when one is set),
 * the symlinks a read follows included; otherwise fails with `ERR_OUTSIDE_ROOT` before any read.
 */
export function* confinedRead<T>(path: string, root: string | URL | undefined, steps: Steps<T>): Steps<T> {
  if (root !== undefined) yield* checkRoot(path, root)
  return yield* steps
}
