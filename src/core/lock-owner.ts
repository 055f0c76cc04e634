import { hostname } from 'node:os'
import gfs from 'graceful-fs'
import { lockPathFor, sidePath } from './side-name.js'

/**
 * Who holds a lock: `<target>.lock.owner` (truncated and hashed to fit NAME_MAX for a long base
 * name, see `sideName`) holds the holder's pid and host name. A lock whose holder is
 * a dead process on this host (killed with SIGKILL, crashed) is marked stale at once instead of
 * after `stale` ms. Marking is safe even in a race: a live holder whose lock is taken over that way
 * notices the foreign mtime and refuses to commit (`ERR_LOCK_COMPROMISED`), it never commits without
 * its lock. Locks held on other hosts are left to the mtime rule.
 */
export function ownerPath(target: string): string {
  return sidePath(target, '.lock.owner')
}

const HOST = hostname()

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function dead(text: string): boolean {
  const [pid, host] = text.split(' ')
  return host === HOST && Number.isInteger(Number(pid)) && Number(pid) > 0 && !alive(Number(pid))
}

/**
 * Records this process as the holder of the lock on `target` (best effort). A record left by an
 * earlier holder is removed first and the new one is created O_EXCL, so a symlink planted in its
 * place is removed, never written through.
 */
export function recordOwner(target: string): void {
  const path = ownerPath(target)
  try {
    forgetOwner(target)
    gfs.writeFileSync(path, `${process.pid} ${HOST}`, { flag: 'wx' })
  } catch {
    // Without the record, a dead holder's lock goes stale by time alone.
  }
}

/** Forgets the holder record of a lock this process is releasing. */
export function forgetOwner(target: string): void {
  try {
    gfs.unlinkSync(ownerPath(target))
  } catch {
    // Already gone.
  }
}

/** When the lock on `target` belongs to a dead process of this host, marks it stale. True if it did. */
export function reapDeadOwner(target: string): boolean {
  try {
    // A record is a plain file; anything else (a planted symlink) is not read through.
    if (!gfs.lstatSync(ownerPath(target)).isFile()) return false
    if (!dead(gfs.readFileSync(ownerPath(target), 'utf8'))) return false
    gfs.utimesSync(lockPathFor(target), 0, 0)
    return true
  } catch {
    return false
  }
}
