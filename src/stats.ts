import type { Version } from './version.js'

/** System calls made for one call, by kind. */
export interface OpCounts {
  /** Reads of file content (one per read call). */
  reads: number
  /** Write calls (a short write that needs another call counts twice). */
  writes: number
  /** fsync/fdatasync calls on files. */
  fsyncs: number
  /** Directory syncs this call waited for, issued by it or shared with a concurrent write. */
  dirFsyncs: number
  renames: number
  unlinks: number
  mkdirs: number
  /** Cross-process locks acquired. */
  locks: number
}

/** What a write did. Returned by every write API. */
export interface WriteStats {
  /** Absolute path of the file written (after following symlinks). */
  path: string
  /** `false` when nothing was written (`skipUnchanged` matched, or `dryRun`). */
  changed: boolean
  bytesWritten: number
  /** Version of the content now at `path`. */
  version: Version
  durability: 'durable' | 'fast'
  ops: OpCounts
  durationMs: number
}

/** A fresh counter set, all zero. */
export function emptyOps(): OpCounts {
  return { reads: 0, writes: 0, fsyncs: 0, dirFsyncs: 0, renames: 0, unlinks: 0, mkdirs: 0, locks: 0 }
}

/** Adds `from` into `into` and returns `into`. */
export function addOps(into: OpCounts, from: OpCounts): OpCounts {
  into.reads += from.reads
  into.writes += from.writes
  into.fsyncs += from.fsyncs
  into.dirFsyncs += from.dirFsyncs
  into.renames += from.renames
  into.unlinks += from.unlinks
  into.mkdirs += from.mkdirs
  into.locks += from.locks
  return into
}
