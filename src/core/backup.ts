import { randomBytes } from 'node:crypto'
import { basename, join } from 'node:path'
import { invalidArgType, invalidArgValue } from '../errors.js'
import { BACKUP_SPEC, defaultsOf } from '../option-spec.js'
import type { Steps } from '../steps/op.js'
import { cloneFile, fsyncFile, ignoring, onFailure, readdir, syncDir, unlink } from '../steps/vocabulary.js'
import { checkOptionNames } from '../unknown-options.js'
import {
  assertLibraryDirInRoot,
  checkLibraryDirInRoot,
  ensureLibraryDir,
  LIBRARY_DIRNAME,
  removeCreatedDirs,
} from './library-dir.js'
import { toAbsolutePath } from './paths.js'
import { sideStem } from './side-name.js'

/** Keep previous versions of a file before it is replaced. */
export interface BackupOptions {
  /**
   * Directory of the backups. With `root` set it must lie inside the root (`ERR_OUTSIDE_ROOT`
   * otherwise), after resolving symlinks. The part of it that exists is yours and is used as it is
   * (you may reach it through your own symlink); the directories the library creates for it are
   * real directories, checked never to be symlinks. The default directory beside the target is the
   * library's own: `.durable-write` and `backups` must be real directories (`ERR_JOURNAL_CORRUPT`
   * for a symlink there).
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
  /** The write's `root`, which a user-given `dir` must lie inside. */
  root?: string | URL | undefined
}

/** The backup defaults, read from their one declaration (`BACKUP_SPEC`). */
export const BACKUP_DEFAULTS = defaultsOf(BACKUP_SPEC)

/**
 * Validates the `backup` option; with `root` set, a `dir` outside it fails with `ERR_OUTSIDE_ROOT`
 * here, before anything is touched (symlinks are judged when the backup is made).
 */
export function resolveBackup(
  value: unknown,
  root?: string | URL,
  api = 'the write',
): ResolvedBackup | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return { dir: undefined, keep: BACKUP_DEFAULTS.keep, root }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgType('options.backup', 'true, false or an object { dir?, keep? }', value)
  checkOptionNames(value, BACKUP_SPEC, 'options.backup', api)
  const { dir, keep } = value as BackupOptions
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) {
    throw invalidArgValue('options.backup.keep', 'an integer >= 1', keep)
  }
  const abs = dir === undefined ? undefined : toAbsolutePath(dir, 'options.backup.dir')
  if (abs !== undefined) assertLibraryDirInRoot(abs, root, 'options.backup.dir')
  return { dir: abs, keep: keep ?? BACKUP_DEFAULTS.keep, root }
}

const STAMP = /^\.\d{8}T\d{9}Z-[0-9a-f]{6}$/
/** Bytes of the suffix `.<stamp>` every backup name ends with (what STAMP matches). */
const STAMP_BYTES = '.20261122T004108123Z-abcdef'.length

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
  return backup.dir ?? join(targetDir, LIBRARY_DIRNAME, 'backups')
}

/**
 * The part of a backup name before its stamp: the target's base name, or for a name too long to take
 * the stamp within NAME_MAX a truncated, hashed stem (see `sideStem`). The same for every backup of
 * one file, and distinct between files, so rotation finds a file's own backups and no other's.
 */
export function backupStem(target: string): string {
  return sideStem(basename(target), STAMP_BYTES)
}

/**
 * Keeps the current version of `target` before it is replaced: a copy-on-write clone where the file
 * system supports it (COPYFILE_FICLONE), a plain copy otherwise — never a hard link, which an
 * in-place writer would change too. The backup directory is made sure of first (library-owned parts
 * never symlinks, a user-given `dir` inside `root`); should the backup fail, the directories it
 * created are removed again and the error is rethrown. Durable mode syncs the copy and its directory.
 * Then removes the oldest backups of this file beyond `keep`.
 */
export function* backupSteps(
  target: string,
  targetDir: string,
  backup: ResolvedBackup,
  durable: boolean,
): Steps<string> {
  const dir = backupDirFor(targetDir, backup)
  if (backup.dir !== undefined) yield* checkLibraryDirInRoot(backup.dir, backup.root, 'options.backup.dir')
  const created =
    backup.dir === undefined
      ? yield* ensureLibraryDir(targetDir, [LIBRARY_DIRNAME, 'backups'], durable)
      : yield* ensureLibraryDir(backup.dir, [], durable)
  const stem = backupStem(target)
  const copy = join(dir, `${stem}.${stamp()}`)
  yield* onFailure(cloneFile(target, copy), () => removeCreatedDirs(created))
  if (durable) {
    yield* onFailure(
      (function* () {
        yield* fsyncFile(copy)
        yield* syncDir(dir)
      })(),
      function* () {
        yield* ignoring(unlink(copy), ['ENOENT'], undefined)
        yield* removeCreatedDirs(created)
      },
    )
  }
  const mine = (yield* readdir(dir))
    .filter((n) => n.startsWith(stem) && STAMP.test(n.slice(stem.length)))
    .sort()
  for (const old of mine.slice(0, Math.max(0, mine.length - backup.keep))) {
    yield* ignoring(unlink(join(dir, old)), ['ENOENT'], undefined)
  }
  return copy
}
