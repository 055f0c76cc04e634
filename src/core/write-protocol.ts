import { dirname } from 'node:path'
import { ConflictError, throwIfAborted, ValidationError } from '../errors.js'
import type { ResolvedWriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import {
  callUser,
  close,
  fchmod,
  fchown,
  fdatasync,
  fsync,
  ignoring,
  mkdir,
  onFailure,
  open,
  readFile,
  rename,
  syncDir,
  unlink,
  writeAll,
} from '../steps/vocabulary.js'
import { type Version, VersionHasher, versionOf } from '../version.js'
import { chunksOf, collect, type Source } from './data.js'
import { isRoot, type Ownership, ownershipFor } from './ownership.js'
import { resolveTarget, type Target } from './resolve-target.js'
import { tempPathFor } from './temp-file.js'

/** Everything needed to put new content into a temp file beside its target. */
export interface TempPlan {
  target: string
  source: Source
  durable: boolean
  ownership: Ownership
  mkdirs: boolean
  signal?: AbortSignal | undefined
  onTempFile?: ((tempPath: string) => void) | undefined
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

/**
 * Creates the missing directories above `dir`, top down. In durable mode each new directory's entry
 * is synced in its parent (the deepest one's own entries are synced after the rename).
 */
export function* makeDirs(dir: string, durable: boolean): Steps<void> {
  const created: string[] = []
  let current = dir
  for (;;) {
    try {
      yield* mkdir(current)
      created.push(current)
      break
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') break
      if (code !== 'ENOENT' || dirname(current) === current) throw err
      created.push(current)
      current = dirname(current)
    }
  }
  // created = [dir, ..., topmost missing]; the topmost now exists, create the rest top down.
  for (let i = created.length - 2; i >= 0; i--) {
    yield* ignoring(mkdir(created[i]!), ['EEXIST'], undefined)
  }
  if (durable) {
    for (let i = created.length - 1; i >= 0; i--) yield* syncDir(dirname(created[i]!))
  }
}

/** Opens a fresh temp file with O_EXCL and mode 0600, creating parent directories when allowed. */
function* openTemp(plan: TempPlan): Steps<{ fd: number; temp: string }> {
  for (let attempt = 0; ; attempt++) {
    const temp = tempPathFor(plan.target)
    try {
      const fd = yield* open(temp, 'wx', 0o600)
      plan.onTempFile?.(temp)
      return { fd, temp }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && plan.mkdirs && attempt === 0)
        yield* makeDirs(dirname(plan.target), plan.durable)
      else if (code !== 'EEXIST' || attempt > 8) throw err
    }
  }
}

function* applyOwnership(fd: number, own: Ownership): Steps<void> {
  if (own.mode !== 0o600) yield* fchmod(fd, own.mode)
  if (own.chown) {
    const codes = isRoot() ? [] : ['EPERM', 'EINVAL', 'ENOSYS']
    yield* ignoring(fchown(fd, own.chown.uid, own.chown.gid), codes, undefined)
  }
}

/**
 * Writes the new content into a temp file beside the target and makes it durable:
 * open O_EXCL 0600 → write all → set mode/owner → fsync → close. Any failure removes the temp.
 * The sync is fdatasync unless mode or owner changed, which fdatasync does not promise to persist.
 */
export function* stageTemp(plan: TempPlan): Steps<Staged> {
  const { fd, temp } = yield* openTemp(plan)
  let open = true
  function* fill(): Steps<Staged> {
    const hasher = new VersionHasher()
    let bytesWritten = 0
    function* put(chunk: Uint8Array): Steps<void> {
      yield* writeAll(fd, chunk)
      hasher.update(chunk)
      bytesWritten += chunk.byteLength
    }
    if ('bytes' in plan.source) yield* put(plan.source.bytes)
    else yield* chunksOf(plan.source, put, () => throwIfAborted(plan.signal, plan.target))
    yield* applyOwnership(fd, plan.ownership)
    if (plan.durable) yield* plan.ownership.mode !== 0o600 || plan.ownership.chown ? fsync(fd) : fdatasync(fd)
    open = false
    yield* close(fd)
    return { temp, bytesWritten, version: hasher.digest() }
  }
  return yield* onFailure(fill(), function* () {
    if (open) {
      open = false
      yield* close(fd)
    }
    yield* unlink(temp)
  })
}

/** Renames a staged temp over its target (unless aborted first), then syncs the directory. */
export function* commitStaged(
  staged: Staged,
  target: string,
  durable: boolean,
  signal?: AbortSignal,
): Steps<void> {
  yield* onFailure(
    (function* () {
      throwIfAborted(signal, target)
      yield* rename(staged.temp, target)
    })(),
    () => unlink(staged.temp),
  )
  if (durable) yield* syncDir(dirname(target))
}

/** Fails with ERR_CONFLICT when ifMatch / ifNoneMatch do not hold; returns the current bytes when read. */
export function* checkPreconditions(
  target: Target,
  ifMatch: Version | undefined,
  ifNoneMatch: '*' | undefined,
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
  const current = target.stat ? yield* readFile(target.path) : undefined
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

function* validateBytes(bytes: Uint8Array, validate: (b: Uint8Array) => unknown, path: string): Steps<void> {
  try {
    yield* callUser(() => validate(bytes))
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw new ValidationError(
      `The new content of ${path} was rejected by validate: ${why} Nothing was written.`,
      {
        path,
        cause: err,
      },
    )
  }
}

/** In durable mode an unchanged file is still made durable: its data and its directory entry. */
function* syncExisting(path: string): Steps<void> {
  const fd = yield* open(path, 'r')
  yield* onFailure(fsync(fd), () => close(fd))
  yield* close(fd)
  yield* syncDir(dirname(path))
}

/**
 * The single-file durable write (ARCHITECTURE.md "Single-file write"):
 * resolve → preconditions → validate → [skip if unchanged] → stage temp → rename → sync directory.
 */
export function* writeProtocol(
  absPath: string,
  source: Source,
  o: ResolvedWriteOptions,
): Steps<WriteOutcome> {
  throwIfAborted(o.signal, absPath)
  const durable = o.durability === 'durable'
  const target = yield* resolveTarget(absPath, o)
  let current = yield* checkPreconditions(target, o.ifMatch, o.ifNoneMatch)
  let bytes = 'bytes' in source ? source.bytes : undefined
  if (o.validate || (o.skipUnchanged && target.stat)) {
    bytes ??= yield* collect(source)
    source = { bytes }
  }
  if (o.validate) yield* validateBytes(bytes!, o.validate, target.path)
  if (o.skipUnchanged && target.stat?.isFile() && target.stat.size === bytes!.byteLength) {
    current ??= yield* readFile(target.path)
    if (current.equals(bytes!)) {
      throwIfAborted(o.signal, target.path)
      if (durable) yield* syncExisting(target.path)
      return { path: target.path, changed: false, bytesWritten: 0, version: versionOf(current) }
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
  yield* commitStaged(staged, target.path, durable, o.signal)
  return { path: target.path, changed: true, bytesWritten: staged.bytesWritten, version: staged.version }
}
