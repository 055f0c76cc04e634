import { basename, dirname, join } from 'node:path'
import { backupSteps } from '../core/backup.js'
import { sweepDeadTemps, writeSweeps } from '../core/dead-temps.js'
import type { HeldLock } from '../core/file-lock.js'
import { endTemp } from '../core/in-flight.js'
import { ensureLibraryDir } from '../core/library-dir.js'
import { ownershipFor } from '../core/ownership.js'
import { isInside } from '../core/paths.js'
import { realpathOfPrefix, resolveTarget, type Target } from '../core/resolve-target.js'
import { defaultTempLiveness } from '../core/temp-liveness.js'
import { checkPreconditions, type Staged, stageTemp, validateBytes } from '../core/write-protocol.js'
import { invalidArgValue, throwIfAborted } from '../errors.js'
import { nodeFs } from '../fs/node-fs.js'
import type { ResolvedWriteOptions } from '../options.js'
import { addOps, emptyOps, type OpCounts } from '../stats.js'
import type { Steps } from '../steps/op.js'
import {
  allOrThrow,
  close,
  fsync,
  ignoring,
  onFailure,
  open,
  readFile,
  rename,
  syncDir,
  unlink,
  writeAll,
} from '../steps/vocabulary.js'
import { type Version, versionOf } from '../version.js'
import { ANY_ERROR, completeOrThrow, incomplete, settle } from './complete.js'
import { manifestPath, sweepTransactionTemps } from './journal.js'
import { contentHash, encodeManifest, type Manifest } from './manifest.js'
import { type Scope, scopeRelative } from './manifest-check.js'

/** One file of a transaction, as decided by its callback: new bytes, or removal. */
export type TxItem =
  | { kind: 'write'; abs: string; bytes: Uint8Array; options: ResolvedWriteOptions }
  | { kind: 'remove'; abs: string; options: ResolvedWriteOptions }

/** What happened to one file. */
export interface TxFileOutcome {
  path: string
  kind: 'write' | 'remove'
  changed: boolean
  bytesWritten: number
  /** Version now at `path`; `null` once removed. */
  version: Version | null
}

/** A transaction ready to commit. */
export interface TxPlan {
  txid: string
  /** The journal and its scope (every target lies below `scope.real`). */
  scope: Scope
  /** Set when the journal is a custom `journalDir`, not a `.durable-write` of an ancestor of the targets. */
  customJournal?: boolean | undefined
  items: readonly TxItem[]
  durable: boolean
  concurrency: number
  signal: AbortSignal | undefined
  /** The journal lock, checked right before the commit point. */
  guard: HeldLock | undefined
  /** Per item: counts the operations made for that file. */
  counters: OpCounts[]
}

interface Decided {
  /** Position in plan.items. */
  index: number
  item: TxItem
  target: Target
  /** For writes: unchanged content is not rewritten (skipUnchanged). For removes: nothing to remove. */
  skip: boolean
  hash: string
  /** For writes: what the target holds now (see WriteEntry.old). */
  old: string | null
  /** The target by its real path (directories resolved), as the manifest records it. */
  real: string
}

/** What `target` holds before the transaction, as a manifest records it. */
function oldOf(target: Target, current: Buffer | undefined): string | null {
  if (!target.stat) return null
  return current === undefined ? 'other' : contentHash(current)
}

/** Resolves one target and checks its preconditions (ifMatch, ifNoneMatch, validate), before any write. */
function* decide(item: TxItem, index: number, scope: string): Steps<Decided> {
  const o = item.options
  const target = yield* resolveTarget(item.abs, o)
  // The scope is a real path: so is the target's, as recovery resolves it (a directory of the path
  // may be a symlink, as /tmp is on macOS).
  const real = join(yield* realpathOfPrefix(target.dir), basename(target.path))
  if (!isInside(scope, real)) {
    throw invalidArgValue(
      'path',
      `a path inside the journal's directory ${scope} (pass a journalDir whose parent holds every file)`,
      target.path,
    )
  }
  let current = yield* checkPreconditions(target, o.ifMatch, o.ifNoneMatch)
  if (item.kind === 'remove') {
    if (!target.stat) return { index, item, target, skip: true, hash: '', old: null, real }
    current ??= yield* readFile(target.path)
    return { index, item, target, skip: false, hash: contentHash(current), old: null, real }
  }
  yield* validateBytes(item.bytes, o.validate, target.path)
  // The old content is recorded, so that recovery never overwrites a file written again since.
  if (target.stat?.isFile()) current ??= yield* readFile(target.path)
  const skip = o.skipUnchanged === true && current !== undefined && current.equals(item.bytes)
  return { index, item, target, skip, hash: contentHash(item.bytes), old: oldOf(target, current), real }
}

function* stage(d: Decided, plan: TxPlan): Steps<Staged> {
  const o = d.item.options
  if (o.backup && d.target.stat?.isFile())
    yield* backupSteps(d.target.path, d.target.dir, o.backup, plan.durable)
  return yield* stageTemp({
    target: d.target.path,
    source: { bytes: (d.item as { bytes: Uint8Array }).bytes },
    durable: plan.durable,
    ownership: ownershipFor(d.target.inherit, o.mode, o.chown),
    mkdirs: o.mkdirs,
    signal: plan.signal,
    onTempFile: o.onTempFile,
    txid: plan.txid,
    customJournal: plan.customJournal ? plan.scope.journalDir : undefined,
  })
}

/**
 * Opens a new manifest, creating the journal directory (durably) the first time. The journal is a
 * library directory: never followed through a symlink (ERR_JOURNAL_CORRUPT).
 */
function* openManifest(scope: Scope, path: string, durable: boolean): Steps<number> {
  try {
    return yield* open(path, 'wx', 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    // The new journal directory's entry is synced; the manifest's own entry is synced after it is written.
    yield* ensureLibraryDir(scope.real, [basename(scope.journalDir)], durable)
    return yield* open(path, 'wx', 0o600)
  }
}

/** Writes the manifest with O_EXCL and syncs it and the journal directory: the commit point. */
function* writeManifest(scope: Scope, path: string, manifest: Manifest, durable: boolean): Steps<void> {
  const fd = yield* openManifest(scope, path, durable)
  let open_ = true
  yield* onFailure(
    (function* () {
      yield* writeAll(fd, encodeManifest(manifest))
      if (durable) yield* fsync(fd)
      open_ = false
      yield* close(fd)
    })(),
    function* () {
      if (open_) yield* close(fd)
    },
  )
  if (durable) yield* syncDir(dirname(path))
}

/**
 * The transaction commit (ARCHITECTURE.md "Transactions and atomic batches: redo manifest"):
 * decide (resolve, preconditions) → stage every temp and fdatasync (parallel, bounded) → sync each
 * touched directory → write + sync the manifest and its directory (commit point) → renames and
 * removals → sync each touched directory → remove the manifest. Before the commit point any failure
 * removes every temp and leaves every target untouched; after it, recovery completes the transaction.
 * fsyncs in durable mode: N + 2D + 2 (N files written, D directories touched).
 */
export function* commitTransaction(plan: TxPlan): Steps<TxFileOutcome[]> {
  throwIfAborted(plan.signal)
  const { scope } = plan
  const decided = yield* allOrThrow(
    plan.items.map((item, i) => decide(item, i, scope.real)),
    plan.concurrency,
    plan.counters,
  )
  const writes = decided.filter((d) => d.item.kind === 'write' && !d.skip)
  const removes = decided.filter((d) => d.item.kind === 'remove' && !d.skip)
  // Directories holding temps are synced before the commit point; every touched one after the renames.
  const tempDirs = [...new Set(writes.map((d) => d.target.dir))]
  const dirs = [...new Set([...writes, ...removes].map((d) => d.target.dir))]
  const staged: (Staged | undefined)[] = []
  const mpath = manifestPath(scope.journalDir, plan.txid)
  let manifestCreated = false
  let committed: Manifest | undefined

  yield* onFailure(
    (function* () {
      // Fresh counters: the runner adds a counter set to the call's total after each run, and the
      // per-file counters already hold (and were added for) the operations of `decide`.
      const stageOps = writes.map(() => emptyOps())
      const settled = yield* allOrThrow(
        writes.map((d, i) =>
          (function* () {
            staged[i] = yield* stage(d, plan)
            return staged[i]
          })(),
        ),
        plan.concurrency,
        stageOps,
      )
      for (const [i, d] of writes.entries()) addOps(plan.counters[d.index]!, stageOps[i]!)
      if (plan.durable)
        yield* allOrThrow(
          tempDirs.map((dir) => syncDir(dir)),
          plan.concurrency,
        )
      throwIfAborted(plan.signal)
      const manifest: Manifest = {
        txid: plan.txid,
        entries: [
          ...writes.map((d, i) => ({
            op: 'write' as const,
            target: scopeRelative(scope.real, d.real),
            temp: basename(settled[i]!.temp),
            hash: d.hash,
            old: d.old,
          })),
          ...removes.map((d) => ({
            op: 'remove' as const,
            target: scopeRelative(scope.real, d.real),
            hash: d.hash,
          })),
        ],
      }
      if (writes.length + removes.length === 0) return
      if (plan.guard) yield* plan.guard.check()
      manifestCreated = true
      yield* writeManifest(scope, mpath, manifest, plan.durable)
      committed = manifest
    })(),
    function* () {
      // Every temp is tried, whatever the others do; one that stays is abandoned, for a later sweep.
      for (const s of staged) if (s) endTemp(s.temp)
      for (const s of staged) if (s) yield* ignoring(unlink(s.temp), ANY_ERROR, undefined)
      if (manifestCreated) yield* ignoring(unlink(mpath), ['ENOENT'], undefined)
    },
  )
  // Committed: from here on the transaction completes, or fails with ERR_TXN_INCOMPLETE.
  if (committed) {
    try {
      const done = yield* settle(
        allOrThrow(
          [
            ...writes.map((d, i) => rename(staged[i]!.temp, d.target.path)),
            ...removes.map((d) => ignoring(unlink(d.target.path), ['ENOENT'], undefined)),
          ],
          plan.concurrency,
        ),
      )
      if (!done.ok) {
        // A rename or removal failed: complete the transaction from its own manifest, as recovery would.
        yield* completeOrThrow(plan, mpath, committed, done.error)
      } else {
        if (plan.durable) {
          // Never retried: after a failed fsync the kernel may have dropped what it could not write.
          const synced = yield* settle(
            allOrThrow(
              dirs.map((dir) => syncDir(dir)),
              plan.concurrency,
            ),
          )
          if (!synced.ok) throw incomplete(mpath, dirs, synced.error, 'syncing their directories')
        }
        // Complete and durable; a manifest left behind by a failed unlink is removed by the next recovery.
        yield* ignoring(unlink(mpath), ANY_ERROR, undefined)
      }
    } finally {
      for (const st of staged) if (st) endTemp(st.temp)
    }
  }
  // Housekeeping once a minute per directory: the temps of dead writers, and of dead transactions
  // that never committed. Errors are swallowed; it never fails the transaction.
  const o = plan.items[0]!.options
  for (const dir of dirs) {
    if (!(o.sweeps ?? writeSweeps).due(o.fs ?? nodeFs(), dir)) continue
    yield* sweepDeadTemps(dir, o.tempLiveness)
    yield* sweepTransactionTemps(dir, o.tempLiveness ?? defaultTempLiveness, [scope.journalDir])
  }
  const stagedOf = new Map(writes.map((d, i) => [d, staged[i]]))
  return decided.map((d) => outcomeOf(d, stagedOf.get(d)))
}

function outcomeOf(d: Decided, staged: Staged | undefined): TxFileOutcome {
  if (d.item.kind === 'remove') {
    return { path: d.target.path, kind: 'remove', changed: !d.skip, bytesWritten: 0, version: null }
  }
  return {
    path: d.target.path,
    kind: 'write',
    changed: !d.skip,
    bytesWritten: staged?.bytesWritten ?? 0,
    version: staged?.version ?? versionOf(d.item.bytes),
  }
}
