import { join } from 'node:path'
import { TxnIncompleteError } from '../errors.js'
import type { Steps } from '../steps/op.js'
import type { TxPlan } from './commit.js'
import { decodeManifest, encodeManifest, type Manifest } from './manifest.js'
import { emptyReport, rollForwardManifest } from './recover.js'

/** Every code a best-effort cleanup step may fail with. */
export const ANY_ERROR = [
  'EIO',
  'ENOSPC',
  'EACCES',
  'EPERM',
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'EXDEV',
  'EDQUOT',
  'ENOENT',
  'EROFS',
]

/** Runs `steps`, returning how they ended instead of throwing. */
export function* settle<T>(steps: Steps<T>): Steps<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: yield* steps }
  } catch (error) {
    return { ok: false, error }
  }
}

export function incomplete(
  mpath: string,
  remaining: readonly string[],
  cause: unknown,
  doing: string,
): TxnIncompleteError {
  const why = cause instanceof Error ? cause.message : String(cause)
  return new TxnIncompleteError(
    `The transaction committed (its manifest ${mpath} is on disk), but ${doing} failed: ${why} ` +
      'Recovery completes it: run recover() on any directory of the tree (the next transaction there does it too). ' +
      'A file written again before that keeps its new content: recovery never overwrites it.',
    { path: mpath, journal: mpath, remaining: [...remaining], cause },
  )
}

/** After a failed rename: roll the transaction forward from its own manifest, once, or fail with ERR_TXN_INCOMPLETE. */
export function* completeOrThrow(
  plan: TxPlan,
  mpath: string,
  manifest: Manifest,
  cause: unknown,
): Steps<void> {
  const report = emptyReport()
  const raw = decodeManifest(encodeManifest(manifest), mpath)
  const targets = manifest.entries.map((e) => join(plan.scope.real, ...e.target.split('/')))
  const retried = yield* settle(
    raw.kind === 'valid'
      ? rollForwardManifest(plan.scope, plan.txid, mpath, raw.manifest, report, Number.POSITIVE_INFINITY)
      : (function* () {})(),
  )
  if (!retried.ok) throw incomplete(mpath, targets, cause, 'renaming its files into place')
  if (report.conflicts.length > 0) {
    const paths = report.conflicts.map((c) => c.path)
    throw incomplete(
      mpath,
      paths,
      cause,
      `renaming its files into place (${paths.join(', ')} changed meanwhile and kept their content; the transaction's is in ${report.conflicts[0]!.kept ?? 'no file'})`,
    )
  }
}
