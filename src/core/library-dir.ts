import type { Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { DurableWriteError, hasCode, OutsideRootError } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { call, ignoring, lstat, mkdir, realpath, syncDir } from '../steps/vocabulary.js'
import { isInside, toAbsolutePath } from './paths.js'
import { lstatIfExists, realpathOfPrefix } from './resolve-target.js'
import { foreignError, isForeign } from './trusted-owner.js'

/** The directory the library keeps its own files in (backups, checkpoints, journals), beside the user's files. */
export const LIBRARY_DIRNAME = '.durable-write'

function notRealDirectory(path: string, st: Stats): DurableWriteError {
  const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'
  const remove = st.isSymbolicLink() ? 'the link' : 'it'
  return new DurableWriteError(
    'ERR_JOURNAL_CORRUPT',
    `${path} is ${what}, but durable-write keeps its own files (backups, checkpoints, journals) only in real directories and never follows a link there; nothing was written and it was left as it is. Remove ${remove} and retry: a real directory is then created in its place.`,
    { path },
  )
}

/** A library-owned directory: writable by its owner only, whatever the umask (mkdir's mode is masked by it). */
const LIBRARY_DIR_MODE = 0o755

/** Fails unless `st`, found at the library-owned `path`, is a real directory of ours (or root's). */
function checkOwned(path: string, st: Stats): void {
  if (st.isSymbolicLink() || !st.isDirectory()) throw notRealDirectory(path, st)
  if (isForeign(st)) throw foreignError(path, st.uid)
}

/** Creates `path` with mkdir (exclusive by nature), or makes sure what is there is a real directory. */
function* realDirectory(path: string, created: string[], owned: boolean): Steps<void> {
  let st = yield* lstatIfExists(path)
  if (st === undefined) {
    try {
      yield* mkdir(path, owned ? LIBRARY_DIR_MODE : undefined)
      created.push(path)
      return
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) throw err
      // Created meanwhile, by another writer or by someone planting a link: look again.
      st = yield* lstat(path)
    }
  }
  if (owned) checkOwned(path, st)
  else if (st.isSymbolicLink() || !st.isDirectory()) throw notRealDirectory(path, st)
}

/** Removes directories a failed step created, deepest first (rmdir: only empty ones go; errors ignored). */
export function* removeCreatedDirs(created: readonly string[]): Steps<void> {
  for (let i = created.length - 1; i >= 0; i--) {
    try {
      yield* call('rmdir', created[i]!)
    } catch {
      // Not empty, or already gone: either way nothing of ours to undo.
    }
  }
}

/**
 * Makes sure the library-owned directory `join(base, ...owned)` exists as real directories, never
 * reached through a symlink.
 *
 * - `base` is the user's: the part of it that exists is used as it is (it may lie behind the user's
 *   own symlinks, e.g. a `backup.dir` they linked elsewhere). The components of `base` that do not
 *   exist yet are created by the library and treated as its own.
 * - Every component the library owns — each of `owned` (e.g. `['.durable-write', 'backups']`) and
 *   each component of `base` it creates — is checked with lstat and must be a directory; a missing one
 *   is created with mkdir (which fails if anything appeared there; then it is checked again).
 *
 * A symlink, a non-directory or a directory of another user (see `isForeign`) in an owned place fails with `ERR_JOURNAL_CORRUPT` naming the path,
 * with nothing touched. In durable mode every directory created is synced into its parent (the
 * deepest one's own entries are the caller's to sync). On failure the directories created so far are
 * removed again.
 * @returns the directories this call created, outermost first, for {@link removeCreatedDirs} should a
 * later step fail
 * @example yield* ensureLibraryDir(targetDir, ['.durable-write', 'backups'], durable)
 */
export function* ensureLibraryDir(base: string, owned: readonly string[], durable: boolean): Steps<string[]> {
  const missing: string[] = []
  let top = base
  while ((yield* ignoring(call('stat', top), ['ENOENT'], undefined)) === undefined) {
    if (dirname(top) === top) break
    missing.unshift(basename(top))
    top = dirname(top)
  }
  const created: string[] = []
  try {
    let current = top
    for (const [i, name] of [...missing, ...owned].entries()) {
      current = join(current, name)
      yield* realDirectory(current, created, i >= missing.length)
    }
    if (durable) for (const dir of created) yield* syncDir(dirname(dir))
  } catch (err) {
    yield* removeCreatedDirs(created)
    throw err
  }
  return created
}

/**
 * Checks, without creating anything, that the library-owned components `owned` below `base` are
 * real directories (not symlinks). False when one is missing; `ERR_JOURNAL_CORRUPT` when one is a
 * symlink or not a directory. For reading or removing what the library keeps there.
 */
export function* isLibraryDir(base: string, owned: readonly string[]): Steps<boolean> {
  let current = base
  for (const name of owned) {
    current = join(current, name)
    const st = yield* lstatIfExists(current)
    if (st === undefined) return false
    checkOwned(current, st)
  }
  return true
}

function outsideRoot(dir: string, root: string, option: string): OutsideRootError {
  return new OutsideRootError(
    `\`${option}\` (${dir}) lies outside the allowed root ${root}; nothing was written. Choose a directory inside the root.`,
    { path: dir, root },
  )
}

/**
 * Fails with `ERR_OUTSIDE_ROOT` unless the directory `dir` lies inside `root`, judged on the paths
 * alone (`..` resolved, symlinks not): cheap and synchronous, for checking options before anything
 * is touched. Does nothing when `root` is undefined. `option` names the option in the message.
 * @example assertLibraryDirInRoot(journalDir, options.root, 'options.journalDir')
 */
export function assertLibraryDirInRoot(dir: string, root: string | URL | undefined, option: string): void {
  if (root === undefined) return
  const rootAbs = toAbsolutePath(root, 'options.root')
  if (!isInside(rootAbs, dir)) throw outsideRoot(dir, rootAbs, option)
}

/**
 * Fails with `ERR_OUTSIDE_ROOT` unless the directory `dir` lies inside `root`, on the paths and after
 * resolving the symlinks of the part of `dir` that exists (so a user's link out of the root is
 * refused). Does nothing when `root` is undefined. Run it before creating anything in `dir`.
 * @example yield* checkLibraryDirInRoot(journalDir, options.root, 'options.journalDir')
 */
export function* checkLibraryDirInRoot(
  dir: string,
  root: string | URL | undefined,
  option: string,
): Steps<void> {
  if (root === undefined) return
  assertLibraryDirInRoot(dir, root, option)
  const rootAbs = toAbsolutePath(root, 'options.root')
  const rootReal = yield* realpath(rootAbs)
  if (!isInside(rootReal, yield* realpathOfPrefix(dir))) throw outsideRoot(dir, rootAbs, option)
}
