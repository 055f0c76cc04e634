import { dirname, join } from 'node:path'
import { acquire, resolveLockOptions } from '../core/file-lock.js'
import { toAbsolutePath } from '../core/paths.js'
import { checkRoot } from '../core/resolve-target.js'
import { defaultTempLiveness, type TempLiveness } from '../core/temp-liveness.js'
import { foreignError } from '../core/trusted-owner.js'
import type { WriterCore } from '../core/writer-core.js'
import { publish } from '../diagnostics.js'
import type { FsLike } from '../fs/fs-like.js'
import { API_OPTIONS } from '../option-spec.js'
import { checkOptionsObject } from '../options.js'
import type { Steps } from '../steps/op.js'
import { callUser, ignoring, lstat, readdir, rmdir } from '../steps/vocabulary.js'
import { JOURNAL_DIRNAME, removeTemps, SKIPPED_DIRS } from './journal.js'
import { emptyReport, type RecoveryReport, recoverJournal, scopeOf } from './recover.js'

/** Options of recover. */
export interface RecoverOptions {
  /**
   * A journal to recover besides those found from `dir` (the `.durable-write` directories in `dir`,
   * below it and in its ancestors): needed only for transactions that used a custom `journalDir`.
   */
  journalDir?: string | URL | undefined
  /** Directory recovery must stay inside: journals above it are not looked for, manifests may not name files outside it. */
  root?: string | URL | undefined
  /** The file system to use instead of the real one. */
  fs?: FsLike | undefined
}

/** How `recoverSteps` takes a journal's lock; the explorer of crash states runs without one. */
export type JournalLocker = (journalDir: string) => Steps<() => Steps<void>>

/** What recovery of a directory needs besides the directory. */
export interface RecoverPlan {
  /** A journal named by the caller (custom `journalDir`). */
  journalDir?: string | undefined
  root?: string | undefined
  /** Which temps are abandoned (their writers are gone). */
  judge: TempLiveness
  lock?: JournalLocker | undefined
}

/** Suffix of a journal's lock beside it (proper-lockfile's `<path>.lock`). */
const LOCK_SUFFIX = '.lock'

/** Journal directories (or their locks) of the ancestors of `dir` (itself included), up to `root` or the file-system root. */
function* ancestorJournals(dir: string, root: string | undefined): Steps<string[]> {
  const found: string[] = []
  for (let d = dir; ; d = dirname(d)) {
    const j = join(d, JOURNAL_DIRNAME)
    if (yield* ignoring(lstat(j), ['ENOENT', 'ENOTDIR', 'EACCES'], undefined)) found.push(j)
    else if (yield* ignoring(lstat(`${j}${LOCK_SUFFIX}`), ['ENOENT', 'ENOTDIR', 'EACCES'], undefined))
      found.push(j)
    if (d === root || dirname(d) === d) return found
  }
}

/** Journal directories below `dir` (never through a symlink, never in node_modules or .git). */
function* journalsBelow(dir: string, found: string[]): Steps<string[]> {
  const names = yield* ignoring(readdir(dir), ['ENOENT', 'ENOTDIR', 'EACCES'], [] as string[])
  for (const name of names) {
    const path = join(dir, name)
    if (name === JOURNAL_DIRNAME || name === `${JOURNAL_DIRNAME}${LOCK_SUFFIX}`) {
      found.push(join(dir, JOURNAL_DIRNAME))
      continue
    }
    if (SKIPPED_DIRS.has(name)) continue
    const st = yield* ignoring(lstat(path), ['ENOENT'], undefined)
    if (st?.isDirectory()) yield* journalsBelow(path, found)
  }
  return found
}

/**
 * Everything `recover(dir)` does, as one protocol. It finds the journals that own the temps it may
 * see — in `dir`, below it, and in its ancestors up to `root` — and completes or undoes each one's
 * transactions under its lock; then removes the temps below `dir` whose writers are gone (never one
 * a live writer still uses, never one a committed transaction still needs: those were renamed or kept
 * by then), and the journal directories left empty.
 */
export function* recoverSteps(dir: string, report: RecoveryReport, plan: RecoverPlan): Steps<RecoveryReport> {
  if (!(yield* ignoring(lstat(dir), ['ENOENT', 'ENOTDIR'], undefined))) return report
  const journals = [
    ...(plan.journalDir === undefined ? [] : [plan.journalDir]),
    ...(yield* ancestorJournals(dir, plan.root)),
    ...(yield* journalsBelow(dir, [])),
  ]
  for (const journalDir of new Set(journals)) {
    const scope = yield* scopeOf(journalDir, plan.root)
    if (scope.foreign) {
      // Another user's journal (planted in a shared directory, say) is never acted on: one named
      // by the caller fails, one found on the way is passed by.
      if (journalDir === plan.journalDir) throw foreignError(journalDir, (yield* lstat(scope.journalDir)).uid)
      yield* callUser(() => publish('recover', { event: 'foreign-journal', journalDir }))
      continue
    }
    // A journal's lock is taken even when the journal is gone: a dead holder's lock is reaped.
    const release = plan.lock ? yield* plan.lock(journalDir) : undefined
    try {
      if (scope.exists) yield* recoverJournal(scope, report)
      // A journal left empty goes (it is made again by the next transaction); backups or conflicts keep it.
      if (scope.exists)
        yield* ignoring(
          rmdir(journalDir),
          ['ENOTEMPTY', 'EEXIST', 'ENOENT', 'EBUSY', 'EACCES', 'EPERM'],
          undefined,
        )
    } finally {
      if (release) yield* release()
    }
  }
  // A temp whose transaction still has a manifest somewhere (a journal above `root`, or a custom one
  // not named) is kept: recovery of that journal needs it.
  const named = plan.journalDir === undefined ? [] : [plan.journalDir]
  report.tempFilesRemoved += yield* removeTemps(dir, { judge: plan.judge, journals: named })
  return report
}

/**
 * Recovers `dir` after a crash, from any directory of the tree: rolls committed transactions forward,
 * rolls the others back, and removes leftover temp files of dead writers (never any other file).
 * Idempotent, and safe while other processes write: a live writer's temps are left alone.
 */
export async function recoverDir(
  writer: WriterCore,
  dir: string | URL,
  options?: RecoverOptions,
): Promise<RecoveryReport> {
  const abs = toAbsolutePath(dir, 'dir')
  const o = checkOptionsObject(options, 'options', API_OPTIONS.recover, 'recover') as RecoverOptions
  const rootOption = o.root ?? writer.defaults.root
  const root = rootOption === undefined ? undefined : toAbsolutePath(rootOption, 'options.root')
  const journalDir =
    o.journalDir === undefined ? undefined : toAbsolutePath(o.journalDir, 'options.journalDir')
  const ctx = writer.begin(o.fs === undefined ? undefined : { fs: o.fs }, 'recover')
  const report = emptyReport()
  if (root !== undefined) {
    await writer.run(ctx, checkRoot(abs, root))
    if (journalDir !== undefined) await writer.run(ctx, checkRoot(journalDir, root))
  }
  const lockOptions = resolveLockOptions(true)
  const lock: JournalLocker = function* (journal) {
    const held = yield* callUser(() => acquire(journal, lockOptions))
    return () => callUser(() => held.release())
  }
  await writer.run(ctx, recoverSteps(abs, report, { journalDir, root, judge: defaultTempLiveness, lock }))
  publish('recover', report)
  return report
}
