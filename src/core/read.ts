import type { Steps } from '../steps/op.js'
import { readFile } from '../steps/vocabulary.js'
import { type Version, versionOf } from '../version.js'
import { checkRoot } from './resolve-target.js'

/** Content with its version. */
export interface Versioned<C> {
  content: C
  version: Version
}

/** Reads a file and computes its version from the same bytes. */
export function* readVersionedSteps(path: string): Steps<{ bytes: Buffer; version: Version }> {
  const bytes = yield* readFile(path)
  return { bytes, version: versionOf(bytes) }
}

/**
 * Runs the read `steps` of `path` only once `path` is known to stay inside `root` (when one is set),
 * the symlinks a read follows included; otherwise fails with `ERR_OUTSIDE_ROOT` before any read.
 */
export function* confinedRead<T>(path: string, root: string | URL | undefined, steps: Steps<T>): Steps<T> {
  if (root !== undefined) yield* checkRoot(path, root)
  return yield* steps
}
