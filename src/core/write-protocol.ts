import { dirname } from 'node:path'
import { ConflictError, throwIfAborted, ValidationError } from '../errors.js'
import { nodeFs } from '../fs/node-fs.js'
import type { ResolvedWriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import {
  allOrThrow,
  callUser,
  close,
  fchmod,
  fchown,
  fdatasync,
  fsync,
  fsyncFile,
  ignoring,
  onFailure,
  open,
  read,
  readFile,
  rename,
  syncDir,
  unlink,
  writeAll,
} from '../steps/vocabulary.js'
import { type Version, VersionHasher, versionOf } from '../version.js'
import { backupSteps } from './backup.js'
import { chunksOf, collect, type Source } from './data.js'
import { sweepDeadTemps, writeSweeps } from './dead-temps.js'
import type { HeldLock } from './file-lock.js'
import { beginTemp, endTemp } from './in-flight.js'
import { makeDirs } from './make-dirs.js'
import { isRoot, type Ownership, ownershipFor } from './ownership.js'
import { checkRootOfDirs, resolveTarget, type Target } from './resolve-target.js'
import { systemError } from './system-error.js'
import { journalTagFor, tempPathFor } from './temp-file.js'

/** Everything needed to put new content into a temp file beside its target. */
export interface TempPlan {
  target: string
  source: Source
  durable: boolean
  ownership: Ownership
  mkdirs: boolean
  signal?: AbortSignal | undefined
  onTempFile?: ((tempPath: string) => void) | undefined
  /** Transaction id to embed in the temp name, so recovery can find the temps of a transaction. */
  txid?: string | undefined
  /** The custom `journalDir` of the transaction, tagged in the temp name (see `journalTagFor`). */
  customJournal?: string | undefined
}

/** A complete, synced temp file waiting to be renamed over its target. */
export interface Staged {
  temp: string
  bytesWritten: number
  version: Version
}

/** Outcome of a single-file write protocol. */
export interface WriteOutcome {
  path: string
  changed: boolean
  bytesWritten: number
  version: Version
}

/** Removes a temp this thread no longer uses (it is not in flight any more, even if the unlink fails). */
export function* dropTemp(temp: string): Steps<void> {
  endTemp(temp)
  yield* unlink(temp)
}

/**
 * Opens a fresh temp file with O_EXCL and the mode of the result where the umask yields it (else
 * one the umask narrows further), creating parent directories when allowed.
 */
function* openTemp(plan: TempPlan): Steps<{ fd: number; temp: string }> {
  for (let attempt = 0; ; attempt++) {
    const tag =
      plan.customJournal === undefined ? undefined : journalTagFor(dirname(plan.target), plan.customJournal)
    const temp = tempPathFor(plan.target, plan.txid, undefined, tag)
    // In flight from before it exists, so that no sweep of this thread takes it for abandoned.
    beginTemp(temp)
    try {
      const fd = yield* open(temp, 'wx', plan.ownership.create)
      return { fd, temp }
    } catch (err) {
      endTemp(temp)
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && plan.mkdirs && attempt === 0)
        yield* makeDirs(dirname(plan.target), plan.durable)
      // The temp is hidden and the caller never named it: a missing directory is reported on the target.
      else if (code === 'ENOENT' && (err as NodeJS.ErrnoException).path === temp)
        throw systemError('ENOENT', 'open', plan.target)
      else if (code !== 'EEXIST' || attempt > 8) throw err
    }
  }
}

function* applyOwnership(fd: number, own: Ownership): Steps<void> {
  if (own.chown) {
    const codes = isRoot() ? [] : ['EPERM', 'EINVAL', 'ENOSYS']
    yield* ignoring(fchown(fd, own.chown.uid, own.chown.gid), codes, undefined)
  }
  // After the owner: changing it clears set-user-ID and set-group-ID bits.
  if (own.chmod !== undefined) yield* fchmod(fd, own.chmod)
}

/**
 * Writes the new content into a temp file beside the target and makes it durable:
 * open O_EXCL with the result's mode → write all → set owner/mode if creation could not → fsync →
 * close. Any failure removes the temp. The sync is fdatasync unless fchmod or fchown ran: the mode
 * given to open(2) is part of the inode's creation, which the file system persists with the inode for
 * its data to be found again, while a later change of mode or owner is metadata that fdatasync does
 * not promise to persist.
 */
export function* stageTemp(plan: TempPlan): Steps<Staged> {
  const { fd, temp } = yield* openTemp(plan)
  let open = true
  function* fill(): Steps<Staged> {
    // Inside the cleanup scope: if the callback throws, the temp is closed and removed. The asynchronous
    // runner waits for a promise it returns before writing any data.
    const onTempFile = plan.onTempFile
    if (onTempFile) yield* callUser(() => onTempFile(temp))
    const hasher = new VersionHasher()
    let bytesWritten = 0
    const sync = () =>
      plan.ownership.chmod !== undefined || plan.ownership.chown ? fsync(fd) : fdatasync(fd)
    // Hashing a large chunk (for WriteStats.version) runs on the main thread while the pool writes it.
    function* put(chunk: Uint8Array): Steps<void> {
      if (chunk.byteLength < OVERLAP_BYTES) {
        yield* writeAll(fd, chunk)
        hasher.update(chunk)
      } else {
        yield* alongside(writeAll(fd, chunk), () => hasher.update(chunk))
      }
      bytesWritten += chunk.byteLength
    }
    if ('bytes' in plan.source) {
      const bytes = plan.source.bytes
      yield* writeAll(fd, bytes)
      bytesWritten = bytes.byteLength
      yield* applyOwnership(fd, plan.ownership)
      // The version of a large content is computed while the fsync runs.
      if (plan.durable && bytes.byteLength >= OVERLAP_BYTES)
        yield* alongside(sync(), () => hasher.update(bytes))
      else {
        hasher.update(bytes)
        if (plan.durable) yield* sync()
      }
    } else {
      yield* chunksOf(plan.source, put, () => throwIfAborted(plan.signal, plan.target))
      yield* applyOwnership(fd, plan.ownership)
      if (plan.durable) yield* sync()
    }
    open = false
    yield* close(fd)
    return { temp, bytesWritten, version: hasher.digest() }
  }
  return yield* onFailure(fill(), function* () {
    if (open) {
      open = false
      try {
        yield* close(fd)
      } catch {
        // The descriptor is released even when close reports an error; the temp must still go.
      }
    }
    yield* dropTemp(temp)
  })
}

/** Contents from this size on are hashed while their write or fsync is in flight. */
const OVERLAP_BYTES = 64 * 1024

/** Runs `steps` and, in the async runner while they wait on the pool, the synchronous `work`. */
function* alongside(steps: Steps<void>, work: () => void): Steps<void> {
  yield* allOrThrow<void>([steps, callUser(work)], 2)
}

/**
 * Renames a staged temp over its target (unless aborted first), then syncs the directory. With `root`
 * set, the target's directory is checked again right before the rename: a directory of the path
 * swapped for a symlink pointing outside while the temp was written fails the write
 * (`ERR_OUTSIDE_ROOT`) and removes the temp, instead of replacing a file outside the root.
 */
export function* commitStaged(
  staged: Staged,
  target: string,
  durable: boolean,
  signal?: AbortSignal,
  guard?: HeldLock,
  root?: string | URL,
): Steps<void> {
  yield* onFailure(
    (function* () {
      throwIfAborted(signal, target)
      if (guard) yield* guard.check()
      if (root !== undefined) yield* checkRootOfDirs(target, root)
      yield* rename(staged.temp, target)
      endTemp(staged.temp)
    })(),
    () => dropTemp(staged.temp),
  )
  if (durable) yield* syncDir(dirname(target))
}

/** Fails with ERR_CONFLICT when ifMatch / ifNoneMatch do not hold; returns the current bytes when read. */
export function* checkPreconditions(
  target: Target,
  ifMatch: Version | undefined,
  ifNoneMatch: '*' | undefined,
  known?: Buffer | null,
): Steps<Buffer | undefined> {
  if (ifNoneMatch === '*' && target.stat) {
    const actual = target.stat.isFile() ? versionOf(yield* readFile(target.path)) : null
    throw new ConflictError(`${target.path} already exists and ifNoneMatch is '*'; it was left unchanged.`, {
      path: target.path,
      expected: null,
      actual,
    })
  }
  if (ifMatch === undefined) return undefined
  const current =
    known !== undefined ? (known ?? undefined) : target.stat ? yield* readFile(target.path) : undefined
  const actual = current ? versionOf(current) : null
  if (actual !== ifMatch) {
    throw new ConflictError(
      current
        ? `${target.path} has changed since version ${ifMatch} was read (now ${actual}); it was left unchanged. Read it again and retry.`
        : `${target.path} does not exist, so it cannot match version ${ifMatch}; nothing was written.`,
      { path: target.path, expected: ifMatch, actual },
    )
  }
  return current
}

/** `text` ending with a full stop (or other closing punctuation), for messages that quote another. */
function sentence(text: string): string {
  const t = text.trim()
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`
}

/**
 * Runs the `validate` option (if any) on the new bytes: throwing, rejecting or returning `false`
 * (as ajv-style validators do) becomes ERR_VALIDATION, before anything is written.
 */
export function* validateBytes(
  bytes: Uint8Array,
  validate: ((b: Uint8Array) => unknown) | undefined,
  path: string,
): Steps<void> {
  if (!validate) return
  let verdict: unknown
  try {
    verdict = yield* callUser(() => validate(bytes))
  } catch (err) {
    const why = sentence(err instanceof Error ? err.message : String(err))
    throw new ValidationError(
      `The new content of ${path} was rejected by validate: ${why} Nothing was written; fix the content or the validator.`,
      { path, cause: err },
    )
  }
  if (verdict === false) {
    throw new ValidationError(
      `The new content of ${path} was rejected by validate (it returned false). Nothing was written; fix the content or the validator.`,
      { path },
    )
  }
}

/** Bytes compared per read when `skipUnchanged` checks the file on disk. */
const COMPARE_BYTES = 256 * 1024

/**
 * True when the file at `path` holds exactly `bytes` (its size already matched): read in chunks
 * through one descriptor, stopping at the first difference — never a whole read of a file that
 * differs early. Each read asks for one byte more than is left, so a short read proves the end of
 * the file without another call. In durable mode an equal file is synced through the same
 * descriptor: its content may be cached only (written by a `fast` writer, say), and the promise is
 * that it is on stable storage.
 */
function* sameOnDisk(path: string, bytes: Uint8Array, durable: boolean): Steps<boolean> {
  const fd = yield* open(path, 'r')
  const same = yield* onFailure(
    (function* (): Steps<boolean> {
      const chunk = Buffer.allocUnsafe(Math.min(bytes.byteLength, COMPARE_BYTES) + 1)
      for (let at = 0; ; ) {
        const want = Math.min(bytes.byteLength - at, COMPARE_BYTES)
        const n = yield* read(fd, chunk, 0, want + 1, at)
        if (n !== want || !chunk.subarray(0, n).equals(bytes.subarray(at, at + n))) return false
        at += n
        if (at === bytes.byteLength) break
      }
      if (durable) yield* fsync(fd)
      return true
    })(),
    () => close(fd),
  )
  yield* close(fd)
  return same
}

/**
 * The single-file durable write (ARCHITECTURE.md "Single-file write"):
 * resolve → preconditions → validate → [skip if unchanged] → stage temp → rename → sync directory
 * → sweep the temps of dead writers from the directory (rate limited, errors swallowed).
 * `known` is the target's current content when the caller has just read it (`null`: it was missing),
 * so ifMatch and skipUnchanged need no second read.
 */
export function* writeProtocol(
  absPath: string,
  source: Source,
  o: ResolvedWriteOptions,
  known?: Buffer | null,
): Steps<WriteOutcome> {
  throwIfAborted(o.signal, absPath)
  const durable = o.durability === 'durable'
  const target = yield* resolveTarget(absPath, o)
  let current = yield* checkPreconditions(target, o.ifMatch, o.ifNoneMatch, known)
  let bytes = 'bytes' in source ? source.bytes : undefined
  if (o.validate || (o.skipUnchanged && target.stat)) {
    bytes ??= yield* collect(source)
    source = { bytes }
  }
  if (o.validate) yield* validateBytes(bytes!, o.validate, target.path)
  if (o.skipUnchanged && target.stat?.isFile() && target.stat.size === bytes!.byteLength) {
    current ??= known ?? undefined
    // Content already read (for ifMatch, or by update) is compared in memory, else on disk — where an
    // equal file is synced through the descriptor that read it.
    const inMemory = current !== undefined
    const same = inMemory ? current!.equals(bytes!) : yield* sameOnDisk(target.path, bytes!, durable)
    if (same) {
      throwIfAborted(o.signal, target.path)
      // In durable mode an unchanged file is still made durable: its data and its directory entry.
      if (durable && inMemory) yield* fsyncFile(target.path)
      if (durable) yield* syncDir(dirname(target.path))
      return { path: target.path, changed: false, bytesWritten: 0, version: versionOf(bytes!) }
    }
  }
  const staged = yield* stageTemp({
    target: target.path,
    source,
    durable,
    ownership: ownershipFor(target.inherit, o.mode, o.chown),
    mkdirs: o.mkdirs,
    signal: o.signal,
    onTempFile: o.onTempFile,
  })
  if (o.backup && target.stat?.isFile()) {
    yield* onFailure(backupSteps(target.path, target.dir, o.backup, durable), () => dropTemp(staged.temp))
  }
  yield* commitStaged(staged, target.path, durable, o.signal, o.guard, o.root)
  // Committed and durable: now, at most once a minute per directory, remove the temps of dead writers.
  if ((o.sweeps ?? writeSweeps).due(o.fs ?? nodeFs(), target.dir))
    yield* sweepDeadTemps(target.dir, o.tempLiveness)
  return { path: target.path, changed: true, bytesWritten: staged.bytesWritten, version: staged.version }
}
