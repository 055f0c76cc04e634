import { join } from 'node:path'
import { acquire, resolveLockOptions } from '../core/file-lock.js'
import { toAbsolutePath } from '../core/paths.js'
import type { WriterCore } from '../core/writer-core.js'
import { publish } from '../diagnostics.js'
import type { FsLike } from '../fs/fs-like.js'
import { checkOptionsObject } from '../options.js'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat } from '../steps/vocabulary.js'
import { JOURNAL_DIRNAME, removeTemps } from './journal.js'
import { emptyReport, type RecoveryReport, recoverJournal } from './recover.js'

/** Options of recover. */
export interface RecoverOptions {
  /**
   * The journal to recover.
   * @default `<dir>/.durable-write`
   */
  journalDir?: string | URL | undefined
  /** The file system to use instead of the real one. */
  fs?: FsLike | undefined
}

/**
 * Everything `recover(dir)` does, as one protocol: complete or undo the transactions journaled in
 * `journalDir`, then remove every temp file of the library's naming below `dir`.
 */
export function* recoverSteps(
  dir: string,
  journalDir: string,
  report: RecoveryReport,
): Steps<RecoveryReport> {
  yield* recoverJournal(journalDir, dir, report)
  report.tempFilesRemoved += yield* removeTemps(dir, undefined)
  return report
}

/**
 * Recovers `dir` after a crash: rolls committed transactions forward, rolls the others back, and
 * removes leftover temp files of the library's naming (never any other file). Idempotent. Run it when
 * no write into `dir` is in progress (at startup): a temp file of a write in flight looks like a leftover.
 */
export async function recoverDir(
  writer: WriterCore,
  dir: string | URL,
  options?: RecoverOptions,
): Promise<RecoveryReport> {
  const abs = toAbsolutePath(dir, 'dir')
  const o = checkOptionsObject(options) as RecoverOptions
  const journalDir =
    o.journalDir === undefined
      ? join(abs, JOURNAL_DIRNAME)
      : toAbsolutePath(o.journalDir, 'options.journalDir')
  const ctx = writer.begin(o.fs === undefined ? undefined : { fs: o.fs })
  const report = emptyReport()
  const exists = await writer.run(ctx, ignoring(lstat(abs), ['ENOENT'], undefined))
  if (!exists) return report
  const lock = await acquire(journalDir, resolveLockOptions(true))
  try {
    await writer.run(ctx, recoverSteps(abs, journalDir, report))
  } finally {
    await lock.release()
  }
  publish('recover', report)
  return report
}
