import { readFileSync, statSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { FsMethod } from '../../src/fs/fs-like.js'

/**
 * One call on the fs seam, as a wrapper sees it before it runs.
 * `path` is the path argument; for a method that takes a file descriptor it is the path that
 * descriptor was opened from (so the `fsync` of a directory descriptor shows the directory).
 */
export interface FsCall {
  /** The seam method, without the `Sync` suffix (`fsync` for both `fsync` and `fsyncSync`). */
  readonly method: FsMethod
  /** True for a `*Sync` call. */
  readonly sync: boolean
  /** The arguments exactly as passed (buffers are the caller's own objects, not copies). */
  readonly args: readonly unknown[]
  /** The path argument, or the path the descriptor was opened from (absent for an unknown descriptor). */
  readonly path?: string
  /** The second path of `rename` and `copyFile` (the destination). */
  readonly to?: string
  /** The file descriptor, for the methods that take one. */
  readonly fd?: number
}

/**
 * One recorded call. Entries are in issue order; `start` and `end` are ticks of one clock that
 * advances at every issue and every completion, so `a.end < b.start` means that `a` had finished
 * before `b` was issued (see {@link happenedBefore}). Sync calls start and end on consecutive ticks.
 * This is the input of the order checker and of the crash-state explorer.
 */
export interface TraceEntry extends FsCall {
  /** Position in the trace, from 0. */
  readonly index: number
  /** Tick at which the call was issued. */
  readonly start: number
  /** Tick at which the call settled; undefined while an async call is still in flight. */
  end?: number
  /** The value the call returned or resolved with (the fd for `open`, the count for `write`, ...). */
  result?: unknown
  /** The error the call threw or rejected with. */
  error?: NodeJS.ErrnoException
  /** For `write`: a copy, taken when the call was issued, of the bytes the call actually wrote. */
  data?: Uint8Array
}

/** A recorded sequence of calls on the fs seam. */
export type Trace = readonly TraceEntry[]

/** A test on one trace entry. */
export type EntryTest = (entry: TraceEntry) => boolean

/** Index of the first entry at or after `from` that passes `test`, or -1. */
export function indexOf(trace: Trace, test: EntryTest, from = 0): number {
  for (let i = Math.max(0, from); i < trace.length; i++) if (test(trace[i]!)) return i
  return -1
}

/** Index of the last entry before `before` (default: the end) that passes `test`, or -1. */
export function lastIndexOf(trace: Trace, test: EntryTest, before = trace.length): number {
  for (let i = Math.min(before, trace.length) - 1; i >= 0; i--) if (test(trace[i]!)) return i
  return -1
}

/** How many entries pass `test`. */
export function countOf(trace: Trace, test: EntryTest): number {
  let n = 0
  for (const entry of trace) if (test(entry)) n++
  return n
}

/** An entry test matching calls of one or more methods (and optionally one path). */
export function calls(methods: FsMethod | readonly FsMethod[], path?: string): EntryTest {
  const set = new Set<FsMethod>(typeof methods === 'string' ? [methods] : methods)
  return (e) => set.has(e.method) && (path === undefined || e.path === path)
}

/** True for a data sync of a file or directory (`fsync` or `fdatasync`). */
export const isSync: EntryTest = calls(['fsync', 'fdatasync'])

/** True when the call settled without an error. */
export function succeeded(entry: TraceEntry): boolean {
  return entry.end !== undefined && entry.error === undefined
}

/** True when `a` had settled before `b` was issued. */
export function happenedBefore(a: TraceEntry, b: TraceEntry): boolean {
  return a.end !== undefined && a.end < b.start
}

/** The `open` flags that create a file exclusively: `'wx'` or numeric O_CREAT | O_EXCL | O_WRONLY. */
function isExclusiveCreate(flags: unknown): boolean {
  if (flags === 'wx' || flags === 'xw') return true
  if (typeof flags !== 'number') return false
  // O_WRONLY 1, O_CREAT 0o100, O_EXCL 0o200 on Linux.
  return (flags & 0o300) === 0o300 && (flags & 3) === 1
}

/**
 * Checks that a trace holds a durable, atomic replacement of `target` (ARCHITECTURE.md, "Single-file
 * write"): a hidden temp file in the target's directory, created O_EXCL with a mode no wider than
 * the file's final mode (`finalMode`, else the target's mode on the real disk when it exists there, else
 * the temp's last fchmod); every write to
 * it finished before an fsync/fdatasync of its descriptor; mode or owner changes followed by an fsync
 * (fdatasync does not persist them); that sync finished before the rename onto the target; and an
 * fsync of the target's directory issued after the rename finished. Uses the last successful rename
 * onto `target`. Returns the violations found, as sentences; empty when the order is right.
 */
/** This process's umask (Linux: /proc/self/status; elsewhere taken as 0, the strictest check). */
function umask(): number {
  try {
    const line = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    return line ? Number.parseInt(line[1] as string, 8) : 0
  } catch {
    return 0
  }
}

/** The permission bits of `path` on the real disk, or undefined when it is not there. */
function modeOnDisk(path: string): number | undefined {
  const st = statSync(path, { throwIfNoEntry: false })
  return st ? st.mode & 0o777 : undefined
}

export function checkDurableWriteOrder(trace: Trace, target: string, finalMode?: number): string[] {
  target = resolve(target)
  const dir = dirname(target)
  const renameAt = lastIndexOf(trace, (e) => e.method === 'rename' && e.to === target && succeeded(e))
  if (renameAt < 0) return [`No successful rename onto ${target} was recorded.`]
  const renamed = trace[renameAt]!
  const temp = renamed.path ?? ''
  const violations: string[] = []
  if (dirname(temp) !== dir) violations.push(`The temp file ${temp} is not in the target's directory ${dir}.`)
  if (!basename(temp).startsWith('.')) violations.push(`The temp file name ${basename(temp)} is not hidden.`)

  const openAt = lastIndexOf(trace, (e) => e.method === 'open' && e.path === temp && succeeded(e), renameAt)
  if (openAt < 0) {
    violations.push(`The temp file ${temp} was not opened before the rename.`)
    return violations
  }
  const opened = trace[openAt]!
  if (!isExclusiveCreate(opened.args[1])) {
    violations.push(`The temp file was opened with flags ${String(opened.args[1])}, not 'wx' (O_EXCL).`)
  }
  // The descriptor's calls: after the open, up to its close (a descriptor number is reused after close).
  const fd = opened.result as number
  const closeAt = indexOf(trace, (e) => e.method === 'close' && e.fd === fd, openAt + 1)
  const onTemp = trace.slice(openAt + 1, closeAt < 0 ? trace.length : closeAt).filter((e) => e.fd === fd)

  const mode = opened.args[2]
  const chmodded = onTemp.filter((e) => e.method === 'fchmod').at(-1)?.args[1]
  const final = finalMode ?? modeOnDisk(target) ?? (typeof chmodded === 'number' ? chmodded : undefined)
  const octal = (m: unknown) => (typeof m === 'number' ? `0o${m.toString(8)}` : String(m))
  if (typeof mode !== 'number') violations.push(`The temp file was created with mode ${octal(mode)}.`)
  else if (final !== undefined && (mode & 0o777 & ~umask() & ~final) !== 0) {
    violations.push(
      `The temp file was created with mode ${octal(mode)}, wider than the file's final mode ${octal(final & 0o777)}.`,
    )
  }
  const syncs = onTemp.filter((e) => isSync(e) && succeeded(e) && happenedBefore(e, renamed))
  const lastSync = syncs.at(-1)
  if (!lastSync) {
    violations.push(`The temp file ${temp} was not fsynced (fsync or fdatasync) before the rename.`)
  } else {
    for (const e of onTemp) {
      if (e.method === 'write' && !happenedBefore(e, lastSync)) {
        violations.push(`A write to the temp file (trace #${e.index}) was not finished before its last sync.`)
      }
      if (
        (e.method === 'fchmod' || e.method === 'fchown') &&
        !syncs.some((s) => s.method === 'fsync' && happenedBefore(e, s))
      ) {
        violations.push(`The ${e.method} of the temp file (trace #${e.index}) was not followed by an fsync.`)
      }
    }
  }

  const dirSynced = trace.some(
    (e) => e.method === 'fsync' && e.path === dir && succeeded(e) && happenedBefore(renamed, e),
  )
  if (!dirSynced) violations.push(`The directory ${dir} was not fsynced after the rename onto ${target}.`)
  return violations
}
