import { createHash } from 'node:crypto'
import { readFileSync, readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { threadId } from 'node:worker_threads'

/**
 * Who a process is, precisely enough to tell later whether it still runs: the machine (host name and
 * boot id), the pid namespace its pid belongs to, the pid, and the start time that tells a pid's
 * current owner from an earlier process that had the same pid.
 *
 * This module reads /proc directly, not through the `fs` seam: it asks about processes, not about the
 * file system being written to.
 */
export interface ProcessRecord {
  /** `os.hostname()` of the machine the process runs on. */
  host: string
  /** `/proc/sys/kernel/random/boot_id`; empty where it cannot be read (non-Linux). */
  boot: string
  /** `readlink /proc/self/ns/pid`, e.g. `pid:[4026531836]`; empty where it cannot be read. */
  pidns: string
  pid: number
  /** Field 22 of `/proc/<pid>/stat` (clock ticks after boot); 0 where it cannot be read. */
  start: number
}

/**
 * The short form of a {@link ProcessRecord} that fits in a file name: pid, start time and a hash of
 * host, boot id and pid namespace (the process's "world").
 */
export interface WriterIdentity {
  pid: number
  /** The worker thread (`threadId`) that made the temp; 0 or absent for the main thread. */
  thread?: number | undefined
  start: number
  /** 8 hex digits: {@link worldOf} the process's record. */
  world: string
}

/** What can be known about a recorded process. */
export type Liveness = 'live' | 'dead' | 'unknown'

/** The world of a process whose boot id or pid namespace is unknown: never judged dead. */
export const UNKNOWN_WORLD = '00000000'

interface Self {
  readonly record: ProcessRecord
  readonly world: string
}

let self: Self | undefined

function readOr(read: () => string, fallback: string): string {
  try {
    return read().trim()
  } catch {
    return fallback
  }
}

/** State (field 3) and start time (field 22) of a `/proc/<pid>/stat` line. */
export function parseStat(text: string): { state: string; start: number } | undefined {
  // Field 2 (comm) is the executable name in parentheses and may itself hold spaces and ')'.
  const close = text.lastIndexOf(')')
  if (close < 0) return undefined
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  const state = fields[0]
  const start = Number(fields[19])
  if (state === undefined || !Number.isSafeInteger(start) || start < 0) return undefined
  return { state, start }
}

function startOf(pid: number | 'self'): number {
  const parsed = parseStat(readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'), ''))
  return parsed?.start ?? 0
}

/** This process's record, read once on first use (nothing runs at import time). */
export function selfRecord(): ProcessRecord {
  return selfInfo().record
}

/** The world hash of this process. */
export function selfWorld(): string {
  return selfInfo().world
}

/** This process as a {@link WriterIdentity}. */
export function selfWriter(): WriterIdentity {
  const { record, world } = selfInfo()
  const writer: WriterIdentity = { pid: record.pid, start: record.start, world }
  if (threadId !== 0) writer.thread = threadId
  return writer
}

function selfInfo(): Self {
  if (self?.record.pid === process.pid) return self
  const linux = process.platform === 'linux'
  const record: ProcessRecord = {
    host: hostname(),
    boot: linux ? readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), '') : '',
    pidns: linux ? readOr(() => readlinkSync('/proc/self/ns/pid'), '') : '',
    pid: process.pid,
    start: linux ? startOf('self') : 0,
  }
  self = { record, world: worldOf(record) }
  return self
}

/**
 * 8 hex digits naming the host, boot and pid namespace of `record`; {@link UNKNOWN_WORLD} when its
 * boot id, pid namespace or start time is unknown.
 */
export function worldOf(record: Pick<ProcessRecord, 'host' | 'boot' | 'pidns' | 'start'>): string {
  if (!record.boot || !record.pidns || !record.start) return UNKNOWN_WORLD
  const hex = createHash('sha256').update(`${record.host}\0${record.boot}\0${record.pidns}`).digest('hex')
  const world = hex.slice(0, 8)
  return world === UNKNOWN_WORLD ? '00000001' : world
}

function exists(pid: number): boolean | undefined {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ESRCH' ? false : code === 'EPERM' ? true : undefined
  }
}

/**
 * Whether process `pid` of our own pid namespace is the one that started at `start`. The pid is
 * checked with `kill(pid, 0)` first, because /proc may hide other users' processes (hidepid): a
 * missing `/proc/<pid>` alone does not prove the process is gone.
 */
function pidLiveness(pid: number, start: number): Liveness {
  if (!Number.isSafeInteger(pid) || pid <= 0) return 'unknown'
  const there = exists(pid)
  if (there === false) return 'dead'
  if (there === undefined) return 'unknown'
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    // Hidden from us, or gone in between: nothing is proven.
    return 'unknown'
  }
  const parsed = parseStat(text)
  if (!parsed) return 'unknown'
  if (parsed.start !== start) return 'dead'
  // A zombie (killed, not yet reaped) runs no code any more.
  return parsed.state === 'Z' || parsed.state === 'X' ? 'dead' : 'live'
}

/*
 * When is a process "dead"? Only when the record is from our own world: same host name, same boot
 * id, same pid namespace — then its pid means the same thing to us, and an absent pid or another
 * start time proves it is gone.
 *
 * A different boot id with the same host name would mean "the machine rebooted" if host names were
 * unique, but they are not: containers and VMs cloned from one image often share a host name (and
 * a volume), and their boot ids differ because they run on different kernels. Calling such a
 * process dead could remove the temp file or take the lock of a live writer on the other machine,
 * so a boot id mismatch is 'unknown' like any other foreign world; callers fall back to time
 * (a temp's mtime, a lock's staleness), which removes a rebooted machine's leftovers soon enough.
 * The pid namespace is needed because its inode number (4026531836 for the initial namespace) is
 * the same on every machine and after every boot, and the boot id because a pid namespace of a
 * container is only meaningful on the kernel that created it.
 */

/**
 * Judges a full process record (e.g. a lock holder's): 'dead' only when host, boot id and pid
 * namespace all match this process's and the pid is absent or has another start time (or is a
 * zombie); 'live' when it matches and runs; 'unknown' otherwise, and always where /proc is missing.
 */
export function judgeProcess(record: ProcessRecord): Liveness {
  const me = selfInfo()
  if (me.world === UNKNOWN_WORLD || worldOf(record) === UNKNOWN_WORLD) return 'unknown'
  const ours = me.record
  if (record.host !== ours.host || record.boot !== ours.boot || record.pidns !== ours.pidns) return 'unknown'
  return pidLiveness(record.pid, record.start)
}

/**
 * Judges a {@link WriterIdentity} (e.g. from a temp file's name) by the same rule as
 * {@link judgeProcess}, comparing worlds by their hash.
 */
export function judgeWriter(writer: WriterIdentity): Liveness {
  const world = selfWorld()
  if (world === UNKNOWN_WORLD || writer.world !== world) return 'unknown'
  return pidLiveness(writer.pid, writer.start)
}

/** True when `writer` is this very process. */
export function isSelf(writer: WriterIdentity): boolean {
  const me = selfWriter()
  return writer.pid === me.pid && writer.start === me.start && writer.world === me.world
}

/** True when `writer` is this very thread of this process. */
export function isSelfThread(writer: WriterIdentity): boolean {
  return isSelf(writer) && (writer.thread ?? 0) === threadId
}
