import gfs from 'graceful-fs'
import { heldToken, holderOf, readRecord, removeRecord, writeRecord } from './lock-owner.js'

/**
 * The fs proper-lockfile works through. proper-lockfile removes a lock directory in two cases, with
 * the same `rmdir`: releasing its own lock, and taking over a lock it judged stale by its mtime. The
 * owner record inside the directory tells them apart and decides:
 *
 * - releasing (or exiting): the directory is removed only while its record carries our token; a
 *   lock that is not ours any more is left alone; a directory that cannot be removed gets a record
 *   marked released, which the next caller takes at once;
 * - taking over: never while the recorded holder lives on this host (the attempt fails as held,
 *   `ELOCKED`, whatever `stale` says); otherwise the record goes first, then the directory.
 */
const releasing = new Map<string, string>()
let exiting = false

/** Runs `fn` (proper-lockfile's release) with `lockPath` being released with `token`. */
export async function releasingWith<T>(
  lockPath: string,
  token: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  releasing.set(lockPath, token)
  try {
    return await fn()
  } finally {
    if (releasing.get(lockPath) === token) releasing.delete(lockPath)
  }
}

/** Installed before proper-lockfile's own exit handler, which removes the locks still held. */
export function markExit(): void {
  process.once('exit', () => {
    exiting = true
  })
}

function isRealDir(path: string): boolean {
  try {
    return gfs.lstatSync(path).isDirectory()
  } catch {
    return false
  }
}

function removeLockDir(lockPath: string): void {
  const token = releasing.get(lockPath) ?? (exiting ? heldToken(lockPath) : undefined)
  if (token === undefined) {
    // Only a real directory is a lock to take over: a symlink planted there (by another user in a
    // shared directory, say) is never followed into, a file of that name never removed.
    if (!isRealDir(lockPath)) {
      throw Object.assign(new Error(`${lockPath} is not a lock directory; it is left alone.`), {
        code: 'ELOCKED',
      })
    }
    if (holderOf(lockPath) === 'live') {
      throw Object.assign(new Error(`Lock ${lockPath} is held by a live process.`), { code: 'ELOCKED' })
    }
    removeRecord(lockPath)
    gfs.rmdirSync(lockPath)
    return
  }
  if (readRecord(lockPath)?.token !== token) return
  removeRecord(lockPath)
  try {
    gfs.rmdirSync(lockPath)
  } catch (err) {
    // Left behind: say it is released, so that the next caller takes it at once.
    try {
      writeRecord(lockPath, token, true)
    } catch {
      // Without a record it goes stale by time alone.
    }
    throw err
  }
}

/** A lock directory is writable by its holder only, whatever the umask: no one else can add a record. */
const LOCK_DIR_MODE = 0o755

/** graceful-fs with the `rmdir` above, and a `mkdir` that makes lock directories with {@link LOCK_DIR_MODE}. */
export const lockFs: typeof gfs = {
  ...gfs,
  mkdir: (path: string, cb: (err: Error | null) => void) => gfs.mkdir(path, LOCK_DIR_MODE, cb),
  mkdirSync: (path: string) => gfs.mkdirSync(path, LOCK_DIR_MODE),
  rmdir: (path: string, cb: (err: Error | null) => void) => {
    try {
      removeLockDir(path)
    } catch (err) {
      cb(err as Error)
      return
    }
    cb(null)
  },
  rmdirSync: (path: string) => removeLockDir(path),
} as unknown as typeof gfs
