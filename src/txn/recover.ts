import { dirname, join } from 'node:path'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat, readdir, readFile, rename, syncDir, unlink } from '../steps/vocabulary.js'
import { MANIFEST_SUFFIX, removeTemps, txidOf } from './journal.js'
import { contentHash, decodeManifest, type Manifest } from './manifest.js'

/** What recovery did. */
export interface RecoveryReport {
  /** Committed transactions whose renames and removals recovery completed. */
  rolledForward: number
  /** Transactions that never reached their commit point, whose temps recovery removed. */
  rolledBack: number
  /** Temp files removed (of rolled-back transactions, and orphans when scanning a directory). */
  tempFilesRemoved: number
}

/** A report with every count at zero. */
export function emptyReport(): RecoveryReport {
  return { rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0 }
}

/**
 * Completes a committed transaction. Idempotent: a temp still present is renamed over its target; a
 * removal happens only while the target still holds the content the transaction meant to remove.
 */
function* rollForward(manifest: Manifest, durable: boolean): Steps<void> {
  const dirs = new Set<string>()
  for (const entry of manifest.entries) {
    if (entry.op === 'write') {
      const temp = yield* ignoring(lstat(entry.temp), ['ENOENT'], undefined)
      if (!temp) continue
      yield* rename(entry.temp, entry.target)
    } else {
      const st = yield* ignoring(lstat(entry.target), ['ENOENT', 'ENOTDIR'], undefined)
      if (!st?.isFile() || contentHash(yield* readFile(entry.target)) !== entry.hash) continue
      yield* ignoring(unlink(entry.target), ['ENOENT'], undefined)
    }
    dirs.add(dirname(entry.target))
  }
  if (durable) for (const dir of dirs) yield* syncDir(dir)
}

/**
 * Recovers every transaction journaled in `journalDir`: a valid manifest is rolled forward, a torn
 * one rolled back (the temps of its transaction below `scanRoot` are removed). Each manifest is removed
 * durably once handled, so recovery is idempotent and safe to crash inside.
 */
export function* recoverJournal(journalDir: string, scanRoot: string, report: RecoveryReport): Steps<void> {
  const names = yield* ignoring(readdir(journalDir), ['ENOENT'], [] as string[])
  for (const name of names.filter((n) => n.endsWith(MANIFEST_SUFFIX)).sort()) {
    const path = join(journalDir, name)
    const bytes = yield* ignoring(readFile(path), ['ENOENT'], undefined)
    if (!bytes) continue
    const decoded = decodeManifest(bytes, path)
    if (decoded.kind === 'valid') {
      yield* rollForward(decoded.manifest, true)
      report.rolledForward++
    } else {
      report.tempFilesRemoved += yield* removeTemps(scanRoot, txidOf(name))
      report.rolledBack++
    }
    yield* ignoring(unlink(path), ['ENOENT'], undefined)
    yield* syncDir(journalDir)
  }
}
