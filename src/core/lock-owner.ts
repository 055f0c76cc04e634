import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import gfs from 'graceful-fs'
import { judgeProcess, type Liveness, type ProcessRecord, selfRecord } from '../fs/proc.js'

/**
 * Who holds a lock: the file `owner` inside the lock directory that proper-lockfile's mkdir created.
 * It holds the holder's full process record (host, boot id, pid namespace, pid, start time) and a
 * token unique to the acquisition. Living inside the directory makes it atomic with the lock: it is
 * created O_EXCL|O_NOFOLLOW right after the mkdir (an acquisition whose record cannot be created that
 * way has lost the lock), it goes with the directory, and a record whose file owner differs from the
 * directory's owner (planted by another user) is ignored.
 *
 * The record decides two things. Whether the lock may be taken over: never while its holder lives on
 * this host (`judgeProcess` → 'live'), at once when it is 'dead', and by staleness otherwise (other hosts, other pid namespaces). And whether a lock is still ours: the
 * token, compared before every commit and before the directory is removed.
 */
export interface OwnerRecord extends ProcessRecord {
  /** Random, unique to one acquisition. */
  token: string
  /** Set when the holder released the lock but could not remove its directory: free to take at once. */
  released?: true
  /** The worker thread (`threadId`) that holds it; absent for the main thread. */
  thread?: number
}

/** The holder of a lock as far as this process can tell. */
export type Holder = Liveness | 'ownerless'

const RECORD = 'owner'
const MAX_RECORD = 4096

/** The owner record inside the lock directory `lockPath`. */
export function recordPath(lockPath: string): string {
  return join(lockPath, RECORD)
}

/** The locks this thread holds: lock path → token of the acquisition. */
const heldTokens = new Map<string, string>()

/** Notes that this thread holds `lockPath` with `token`. */
export function noteHeld(lockPath: string, token: string): void {
  heldTokens.set(lockPath, token)
}

/** Forgets a lock this thread no longer holds. */
export function forgetHeld(lockPath: string, token: string): void {
  if (heldTokens.get(lockPath) === token) heldTokens.delete(lockPath)
}

/** The token with which this thread holds `lockPath`, if it does. */
export function heldToken(lockPath: string): string | undefined {
  return heldTokens.get(lockPath)
}

/** A fresh token for one acquisition. */
export function newToken(): string {
  return randomBytes(16).toString('hex')
}

/**
 * Writes this process's record with `token` into the lock directory it just created. Throws (EEXIST,
 * ENOENT, ...) when the directory is not ours any more: the acquisition then failed.
 */
export function writeRecord(lockPath: string, token: string, released = false): void {
  const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = gfs.constants
  const record: OwnerRecord = { ...selfRecord(), token }
  if (threadId !== 0) record.thread = threadId
  if (released) record.released = true
  // Creating a file changes the directory's mtime, which proper-lockfile takes for its own: restore it.
  const { atime, mtime } = gfs.statSync(lockPath)
  const fd = gfs.openSync(recordPath(lockPath), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o644)
  try {
    gfs.writeSync(fd, JSON.stringify(record))
  } finally {
    gfs.closeSync(fd)
  }
  gfs.utimesSync(lockPath, atime, mtime)
}

function isRecord(value: unknown): value is OwnerRecord {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.host === 'string' &&
    typeof r.boot === 'string' &&
    typeof r.pidns === 'string' &&
    typeof r.pid === 'number' &&
    typeof r.start === 'number' &&
    typeof r.token === 'string' &&
    r.token.length > 0 &&
    (r.released === undefined || r.released === true) &&
    (r.thread === undefined || typeof r.thread === 'number')
  )
}

/**
 * The valid record of the lock directory `lockPath`, or undefined when there is none: no directory,
 * no record, a record that is not a plain file of the directory's owner, or one that does not parse.
 */
export function readRecord(lockPath: string): OwnerRecord | undefined {
  let fd: number
  try {
    const dir = gfs.lstatSync(lockPath)
    if (!dir.isDirectory()) return undefined
    fd = gfs.openSync(recordPath(lockPath), gfs.constants.O_RDONLY | gfs.constants.O_NOFOLLOW)
    try {
      const st = gfs.fstatSync(fd)
      if (!st.isFile() || st.uid !== dir.uid || st.size > MAX_RECORD) return undefined
      const buf = Buffer.alloc(st.size)
      const n = gfs.readSync(fd, buf, 0, st.size, 0)
      const value: unknown = JSON.parse(buf.subarray(0, n).toString('utf8'))
      return isRecord(value) ? value : undefined
    } finally {
      gfs.closeSync(fd)
    }
  } catch {
    return undefined
  }
}

/**
 * True when `record` was written by this very thread for an acquisition it no longer holds: a lock
 * it released but could not remove (its record could not be unlinked). Left alone, this thread would
 * judge its own leftover live and lock itself out until it exits.
 */
function isOwnLeftover(lockPath: string, record: OwnerRecord): boolean {
  const me = selfRecord()
  const self =
    record.pid === me.pid &&
    record.start === me.start &&
    record.host === me.host &&
    record.boot === me.boot &&
    record.pidns === me.pidns &&
    (record.thread ?? 0) === threadId
  return self && heldTokens.get(lockPath) !== record.token
}

/**
 * Judges the holder of the lock directory `lockPath` by its record: a released lock, or one this
 * thread left behind, has none left ('dead').
 */
export function holderOf(lockPath: string): Holder {
  const record = readRecord(lockPath)
  if (!record) return 'ownerless'
  return record.released || isOwnLeftover(lockPath, record) ? 'dead' : judgeProcess(record)
}

/** Removes the record of the lock directory `lockPath` (absent is fine). */
export function removeRecord(lockPath: string): void {
  try {
    gfs.unlinkSync(recordPath(lockPath))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/**
 * When the lock directory `lockPath` has a dead holder (or was released but left behind), marks it stale so that the next attempt takes
 * it at once. True if it did. A lock without a valid record (a holder between its mkdir and its
 * record, another host, an older version) is left to staleness.
 */
export function reapIfDead(lockPath: string): boolean {
  const holder = holderOf(lockPath)
  if (holder !== 'dead') return false
  try {
    gfs.utimesSync(lockPath, 0, 0)
    return true
  } catch {
    return false
  }
}
