import type { Steps } from '../steps/op.js'
import { readFile } from '../steps/vocabulary.js'
import { type Version, versionOf } from '../version.js'

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
