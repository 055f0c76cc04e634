import { basename } from 'node:path'
import { isTempName } from '../../src/core/temp-file.js'
import { type CrashEntry, describeEntry, type Recording } from './crash-record.js'
import { type Unit, unitsOf } from './crash-states.js'

/**
 * A protocol with one durability step removed or one ordering constraint broken, made at the trace
 * level: the recorded trace is edited (an fsync entry dropped, entries moved), so the explorer sees
 * exactly the calls the mutated protocol would have made.
 */
export interface Mutant {
  name: string
  kind: 'fsync' | 'directory fsync' | 'ordering'
  /**
   * For a dropped sync: true when it had nothing to make durable (no change to its file or directory
   * since the previous completed sync of it), so no crash state can tell it is missing.
   */
  noOp?: boolean
  apply(trace: readonly CrashEntry[]): CrashEntry[]
}

/** The recording with its trace replaced by the mutant's. */
export function mutate(rec: Recording, mutant: Mutant): Recording {
  return { ...rec, trace: mutant.apply(rec.trace) }
}

const isSyncEntry = (e: CrashEntry, dir: boolean) => e.effects.some((x) => x.kind === 'sync' && x.dir === dir)
const isTemp = (path: string | undefined) => path !== undefined && isTempName(basename(path))
const isManifest = (path: string | undefined) => path?.endsWith('.manifest') === true

function syncedInode(e: CrashEntry): number | undefined {
  for (const x of e.effects) if (x.kind === 'sync') return x.ino
  return undefined
}

/** True when sync entry `s` covers a unit that no earlier completed sync of the same inode covers. */
function syncsSomething(trace: readonly CrashEntry[], units: readonly Unit[], s: number): boolean {
  const ino = syncedInode(trace[s]!)
  const sync = trace[s]!
  const earlier = trace.filter((e, j) => j !== s && syncedInode(e) === ino && e.end < sync.start)
  return units.some((u) => {
    const done = trace[u.entry]!.end
    return u.object === ino && done < sync.start && !earlier.some((e) => done < e.start)
  })
}

/** One mutant per fsync/fdatasync of a file and per fsync of a directory in the trace: drop it. */
export function droppedSyncs(trace: readonly CrashEntry[]): Mutant[] {
  const units = unitsOf(trace)
  const out: Mutant[] = []
  trace.forEach((e, i) => {
    const dir = isSyncEntry(e, true)
    if (!dir && !isSyncEntry(e, false)) return
    const what = dir
      ? `directory ${e.path}`
      : isTemp(e.path)
        ? 'the temp file'
        : isManifest(e.path)
          ? 'the manifest'
          : e.path
    out.push({
      name: `drop ${describeEntry(e, i).split(' ')[0]} ${e.method} of ${what}`,
      kind: dir ? 'directory fsync' : 'fsync',
      noOp: !syncsSomething(trace, units, i),
      apply: (t) => t.filter((_, j) => j !== i),
    })
  })
  return out
}

/**
 * Moves the entries `indices` (in order) to just before entry `before` (`trace.length`: the end).
 * Moved entries get fractional ticks in the gap before that entry's issue tick, so each is issued and
 * finished after everything that had finished before `before` was issued, and before `before` itself.
 */
export function moveBefore(
  trace: readonly CrashEntry[],
  indices: readonly number[],
  before: number,
): CrashEntry[] {
  const m = indices.length
  const base = before < trace.length ? trace[before]!.start - 1 : Math.max(...trace.map((e) => e.end)) + 1
  const moved = indices.map((i, j) => ({
    ...trace[i]!,
    start: base + (2 * j + 1) / (2 * m + 2),
    end: base + (2 * j + 2) / (2 * m + 2),
  }))
  const out: CrashEntry[] = []
  trace.forEach((e, i) => {
    if (i === before) out.push(...moved)
    if (!indices.includes(i)) out.push(e)
  })
  if (before >= trace.length) out.push(...moved)
  return out
}

function find(trace: readonly CrashEntry[], test: (e: CrashEntry) => boolean, what: string): number {
  const i = trace.findIndex(test)
  if (i < 0) throw new Error(`The trace has no ${what}; the mutant does not apply.`)
  return i
}

function findLast(trace: readonly CrashEntry[], test: (e: CrashEntry) => boolean, what: string): number {
  const i = trace.findLastIndex(test)
  if (i < 0) throw new Error(`The trace has no ${what}; the mutant does not apply.`)
  return i
}

const isRenameOfTemp = (e: CrashEntry) => e.method === 'rename' && isTemp(e.path) && !e.error
const isTempSync = (e: CrashEntry) => isSyncEntry(e, false) && isTemp(e.path)

/** Ordering mutants of the single-file write. */
export const singleWriteOrderings: Mutant[] = [
  {
    name: 'rename before the temp file is synced',
    kind: 'ordering',
    apply(t) {
      const sync = find(t, isTempSync, 'sync of a temp file')
      return moveBefore(t, [sync], find(t, isRenameOfTemp, 'rename of a temp file') + 1)
    },
  },
  {
    name: 'directory synced before the rename',
    kind: 'ordering',
    apply(t) {
      const rename = find(t, isRenameOfTemp, 'rename of a temp file')
      const dirSync = find(t.slice(rename), (e) => isSyncEntry(e, true), 'directory sync') + rename
      return moveBefore(t, [dirSync], rename)
    },
  },
]

/** The manifest's entries: from its first open (or the journal's creation) to the journal sync after it. */
function manifestBlock(t: readonly CrashEntry[]): number[] {
  const first = find(t, (e) => isManifest(e.path), 'manifest')
  const close = findLast(t, (e) => e.method === 'close' && isManifest(e.path), 'close of the manifest')
  const journalSync = find(t.slice(close), (e) => isSyncEntry(e, true), 'journal sync') + close
  return Array.from({ length: journalSync - first + 1 }, (_, k) => first + k)
}

/** Ordering mutants of the transaction commit. */
export const transactionOrderings: Mutant[] = [
  {
    name: 'manifest committed before the temp files are durable',
    kind: 'ordering',
    apply(t) {
      return moveBefore(t, manifestBlock(t), find(t, isTempSync, 'sync of a temp file'))
    },
  },
  {
    name: 'a target renamed before the manifest is durable',
    kind: 'ordering',
    apply(t) {
      return moveBefore(t, [find(t, isRenameOfTemp, 'rename of a temp file')], manifestBlock(t)[0]!)
    },
  },
  {
    name: 'manifest removed before the renames are durable',
    kind: 'ordering',
    apply(t) {
      const unlink = findLast(t, (e) => e.method === 'unlink' && isManifest(e.path), 'unlink of the manifest')
      return moveBefore(t, [unlink], findLast(t, isRenameOfTemp, 'rename of a temp file') + 1)
    },
  },
]
