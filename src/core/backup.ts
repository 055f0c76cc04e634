import { randomBytes } from 'node:crypto'
import { basename, join } from 'node:path'
import { invalidArgType, invalidArgValue } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { cloneFile, fsyncFile, ignoring, readdir, syncDir, unlink } from '../steps/vocabulary.js'
import { makeDirs } from './make-dirs.js'
import { toAbsolutePath } from './paths.js'

/** Keep previous versions of a file before it is replaced. */
export interface BackupOptions {
  /**
   * Directory of the backups.
   * @default `.durable-write/backups` beside the target
   */
  dir?: string | URL | undefined
  /**
   * How many previous versions to keep per file (older ones are removed).
   * @default 10
   */
  keep?: number | undefined
}

/** BackupOptions with defaults applied (`dir` undefined means beside the target). */
export interface ResolvedBackup {
  dir: string | undefined
  keep: number
}

export const BACKUP_DEFAULTS = { keep: 10 } as const

/** Validates the `backup` option. */
export function resolveBackup(value: unknown): ResolvedBackup | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return { dir: undefined, keep: BACKUP_DEFAULTS.keep }
  if (typeof value !== 'object' || value === null)
    throw invalidArgType('options.backup', 'an object { dir?, keep? }', value)
  const { dir, keep } = value as BackupOptions
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) {
    throw invalidArgValue('options.backup.keep', 'an integer >= 1', keep)
  }
  return {
    dir: dir === undefined ? undefined : toAbsolutePath(dir, 'options.backup.dir'),
    keep: keep ?? BACKUP_DEFAULTS.keep,
  }
}

const STAMP = /^\.\d{8}T\d{9}Z-[0-9a-f]{6}$/

let lastStampMs = 0

/**
 * A UTC time stamp for a backup name, strictly increasing within the process: backups made in the same
 * millisecond (or while the clock steps back) still sort in the order they were made, which is the
 * order rotation relies on.
 */
function stamp(): string {
  lastStampMs = Math.max(Date.now(), lastStampMs + 1)
  const iso = new Date(lastStampMs).toISOString() // 2026-11-22T00:41:08.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, 23).replace(/[:.]/g, '')}Z-${randomBytes(3).toString('hex')}`
}

/** The backup directory for a target in `targetDir`. */
export function backupDirFor(targetDir: string, backup: ResolvedBackup): string {
  return backup.dir ?? join(targetDir, '.durable-write', 'backups')
}

/**
 * Keeps the current version of `target` before it is replaced: a copy-on-write clone where the file
 * system supports it (COPYFILE_FICLONE), a plain copy otherwise — never a hard link, which an
 * in-place writer would change too. Durable mode syncs the copy and its directory. Then removes the
 * oldest backups of this file beyond `keep`.
 */
export function* backupSteps(
  target: string,
  targetDir: string,
  backup: ResolvedBackup,
  durable: boolean,
): Steps<string> {
  const dir = backupDirFor(targetDir, backup)
  const base = basename(target)
  const copy = join(dir, `${base}.${stamp()}`)
  try {
    yield* cloneFile(target, copy)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    yield* makeDirs(dir, durable)
    yield* cloneFile(target, copy)
  }
  if (durable) {
    yield* fsyncFile(copy)
    yield* syncDir(dir)
  }
  const mine = (yield* readdir(dir))
    .filter((n) => n.startsWith(`${base}.`) && STAMP.test(n.slice(base.length)))
    .sort()
  for (const old of mine.slice(0, Math.max(0, mine.length - backup.keep))) {
    yield* ignoring(unlink(join(dir, old)), ['ENOENT'], undefined)
  }
  return copy
}
