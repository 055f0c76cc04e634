import { basename, dirname, join } from 'node:path'
import { ensureLibraryDir } from '../core/library-dir.js'
import { isInside } from '../core/paths.js'
import { truncateUtf8 } from '../core/side-name.js'
import { foreignError, isForeign } from '../core/trusted-owner.js'
import { OutsideRootError } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat, readdir, readFile, realpath, rename, syncDir, unlink } from '../steps/vocabulary.js'
import { MANIFEST_SUFFIX, removeTemps, txidOf } from './journal.js'
import { contentHash, decodeManifest, journalCorrupt, type RawManifest } from './manifest.js'
import { type CheckedEntry, checkManifest, type Scope } from './manifest-check.js'

/** A target recovery left as it was, because it held neither its old nor its new content. */
export interface RecoveryConflict {
  /** The target, as it is now (written again after the transaction, by someone else). */
  path: string
  /** Where the transaction's new content was kept for inspection; undefined when there is none. */
  kept: string | undefined
  /** The interrupted transaction. */
  txid: string
  /**
   * `'written-again'`: the target changed after the transaction and keeps its content.
   * `'temp-missing'`: the target still holds its old content but the transaction's temp is gone
   * (removed by hand or by a tool): its new content is lost, and the transaction stays part old.
   */
  reason: 'written-again' | 'temp-missing'
}

/** What recovery did. */
export interface RecoveryReport {
  /** Committed transactions whose renames and removals recovery completed. */
  rolledForward: number
  /** Transactions that never reached their commit point, whose temps recovery removed. */
  rolledBack: number
  /** Temp files removed (of rolled-back transactions, and of dead writers when scanning a directory). */
  tempFilesRemoved: number
  /**
   * Targets of committed transactions that were written again after the transaction failed: recovery
   * did not overwrite them (no lost update) and kept the transaction's content in the journal's
   * `conflicts` directory.
   */
  conflicts: RecoveryConflict[]
}

/** A report with every count at zero. */
export function emptyReport(): RecoveryReport {
  return { rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] }
}

/** Where a transaction's content is kept when its target changed after the transaction. */
export const CONFLICTS_DIRNAME = 'conflicts'

/** What a target holds: the hash of a regular file's content, null when absent, 'other' otherwise. */
function* holding(path: string): Steps<{ hash: string | null; mtimeMs: number }> {
  const st = yield* ignoring(lstat(path), ['ENOENT', 'ENOTDIR'], undefined)
  if (!st) return { hash: null, mtimeMs: 0 }
  return { hash: st.isFile() ? contentHash(yield* readFile(path)) : 'other', mtimeMs: st.mtimeMs }
}

/**
 * True when the target holds what the transaction saw before it. Format-1 manifests did not record
 * it: there, a target modified after the manifest was written counts as written again.
 */
function isOld(
  now: { hash: string | null; mtimeMs: number },
  old: string | null | undefined,
  committedMs: number,
): boolean {
  return old === undefined ? now.mtimeMs <= committedMs : now.hash === old
}

function keptName(txid: string, index: number, target: string): string {
  return `${txid}.${index}.${truncateUtf8(basename(target), 200)}`
}

/** Moves the temp of a conflicting entry into the journal's conflicts directory. */
function* keep(scope: Scope, txid: string, index: number, temp: string, target: string): Steps<string> {
  const dir = join(scope.journalDir, CONFLICTS_DIRNAME)
  yield* ensureLibraryDir(scope.real, [basename(scope.journalDir), CONFLICTS_DIRNAME], true)
  const kept = join(dir, keptName(txid, index, target))
  yield* rename(temp, kept)
  return kept
}

/**
 * Completes a committed transaction whose entries were checked. Idempotent: a temp still present is
 * renamed over its target only while the target holds its old content (or already the new one); a
 * removal happens only while the target still holds the content the transaction meant to remove.
 * A target written again since is left alone and reported as a conflict (no lost update). Every
 * directory of the transaction is synced before the manifest may go, whatever state each entry was in.
 */
function* rollForward(
  entries: CheckedEntry[],
  scope: Scope,
  txid: string,
  committedMs: number,
  report: RecoveryReport,
): Steps<void> {
  const dirs = new Set<string>()
  for (const [index, e] of entries.entries()) {
    dirs.add(dirname(e.target))
    if (e.op === 'write') {
      const now = yield* holding(e.target)
      if (!e.tempStat) {
        // Renamed already, as a rule; but a target still old whose temp is gone lost its new content.
        if (e.old !== undefined && e.old !== e.hash && now.hash === e.old)
          report.conflicts.push({ path: e.target, kept: undefined, txid, reason: 'temp-missing' })
        continue
      }
      if (now.hash === e.hash || isOld(now, e.old, committedMs)) {
        yield* rename(e.temp, e.target)
        continue
      }
      const kept = yield* keep(scope, txid, index, e.temp, e.target)
      dirs.add(dirname(kept))
      report.conflicts.push({ path: e.target, kept, txid, reason: 'written-again' })
    } else {
      const now = yield* holding(e.target)
      if (now.hash === null) continue
      if (now.hash === e.hash) yield* ignoring(unlink(e.target), ['ENOENT'], undefined)
      else report.conflicts.push({ path: e.target, kept: undefined, txid, reason: 'written-again' })
    }
  }
  for (const dir of dirs) yield* ignoring(syncDir(dir), ['ENOENT', 'ENOTDIR'], undefined)
}

const TXID = /^[0-9a-f]{8}$/

/**
 * The scope of the journal `journalDir`: the directory that holds it, by its real path; `exists` tells
 * whether the journal is there. A journal directory that is a symlink (or no directory) is never
 * followed: ERR_JOURNAL_CORRUPT. A journal outside `root` is ERR_OUTSIDE_ROOT.
 */
/**
 * The scope of the journal `journalDir`: where it is now and whether it exists. `foreign` when it
 * belongs to another user: recovery never acts on such a journal (its manifests could name anything).
 */
export function* scopeOf(
  journalDir: string,
  root: string | undefined,
): Steps<Scope & { exists: boolean; foreign: boolean }> {
  const dir = dirname(journalDir)
  const real = yield* realpath(dir)
  const rootReal = root === undefined ? undefined : yield* realpath(root)
  const journal = join(real, basename(journalDir))
  if (rootReal !== undefined && !isInside(rootReal, journal)) {
    throw new OutsideRootError(
      `The journal ${journalDir} lies outside the allowed root ${root}; nothing was touched.`,
      { path: journalDir, root: root! },
    )
  }
  const st = yield* ignoring(lstat(journal), ['ENOENT', 'ENOTDIR'], undefined)
  if (st && !st.isDirectory())
    throw journalCorrupt(journalDir, 'is not a directory (a symbolic link is never followed)')
  return {
    journalDir: journal,
    dir,
    real,
    root: rootReal,
    exists: st !== undefined,
    foreign: st !== undefined && isForeign(st),
  }
}

/**
 * Completes (rolls forward) one committed transaction whose manifest `path` holds `raw`, then removes
 * the manifest durably.
 */
export function* rollForwardManifest(
  scope: Scope,
  txid: string,
  path: string,
  raw: RawManifest,
  report: RecoveryReport,
  committedMs: number,
): Steps<void> {
  const entries = yield* checkManifest(raw, txid, path, scope)
  yield* rollForward(entries, scope, txid, committedMs, report)
  report.rolledForward++
  yield* ignoring(unlink(path), ['ENOENT'], undefined)
  yield* syncDir(scope.journalDir)
}

/**
 * Recovers every transaction journaled in `scope.journalDir`: a valid manifest is checked (untrusted
 * input) and rolled forward, a torn one rolled back (the temps of its transaction below the scope are
 * removed). Each manifest is removed durably once handled, so recovery is idempotent and safe to
 * crash inside. A manifest that fails its checks stops recovery with ERR_JOURNAL_CORRUPT, untouched.
 */
export function* recoverJournal(scope: Scope, report: RecoveryReport): Steps<void> {
  const { journalDir } = scope
  const names = yield* ignoring(readdir(journalDir), ['ENOENT', 'ENOTDIR'], [] as string[])
  for (const name of names.filter((n) => n.endsWith(MANIFEST_SUFFIX)).sort()) {
    const path = join(journalDir, name)
    const txid = txidOf(name)!
    const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
    if (!st) continue
    if (!st.isFile()) throw journalCorrupt(path, 'is not a regular file')
    if (isForeign(st)) throw foreignError(path, st.uid)
    const decoded = decodeManifest(yield* readFile(path), path)
    if (decoded.kind === 'valid') {
      yield* rollForwardManifest(scope, txid, path, decoded.manifest, report, st.mtimeMs)
      continue
    }
    // Not of our naming: not ours to act on.
    if (!TXID.test(txid)) continue
    report.tempFilesRemoved += yield* removeTemps(scope.real, { txid })
    report.rolledBack++
    yield* ignoring(unlink(path), ['ENOENT'], undefined)
    yield* syncDir(journalDir)
  }
}
