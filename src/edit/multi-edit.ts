import { resolveTarget } from '../core/resolve-target.js'
import { systemError } from '../core/system-error.js'
import { validateBytes, writeProtocol } from '../core/write-protocol.js'
import type { WriterCore } from '../core/writer-core.js'
import { ConflictError, throwIfAborted } from '../errors.js'
import type { ResolvedWriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import { ignoring, readFile } from '../steps/vocabulary.js'
import { type Version, versionOf } from '../version.js'
import { type ResolvedEditOptions, splitEditOptions } from './edit-options.js'
import { planEdits } from './plan.js'
import type { Edit, EditOptions, EditOutcome, EditResult } from './types.js'
import { type CheckedEdit, checkEdits } from './validate-edits.js'

const EMPTY_VERSION = versionOf(new Uint8Array(0))

/** ifMatch / ifNoneMatch against the bytes just read (`undefined`: no file). */
function checkRead(path: string, version: Version | null, o: ResolvedWriteOptions): void {
  if (o.ifNoneMatch === '*' && version !== null) {
    throw new ConflictError(`${path} already exists and ifNoneMatch is '*'; it was left unchanged.`, {
      path,
      expected: null,
      actual: version,
    })
  }
  if (o.ifMatch !== undefined && o.ifMatch !== version) {
    throw new ConflictError(
      version === null
        ? `${path} does not exist, so it cannot match version ${o.ifMatch}; nothing was written.`
        : `${path} has changed since version ${o.ifMatch} was read (now ${version}); it was left unchanged. Read it again and redo the edits.`,
      { path, expected: o.ifMatch, actual: version },
    )
  }
}

/**
 * Node's ENOENT for a file to edit that does not exist (code, errno, syscall and path as node:fs
 * sets them), its message saying how to create the file instead.
 */
function missing(path: string): NodeJS.ErrnoException {
  const err = systemError('ENOENT', 'open', path)
  const plain = err.message
  err.message = `${plain}. To create the file, give an empty oldString in edits[0] (its newString is the content); to edit it, check the path.`
  if (err.stack) err.stack = err.stack.replace(plain, err.message)
  return err
}

function* editProtocol(
  absPath: string,
  edits: readonly CheckedEdit[],
  o: ResolvedEditOptions,
): Steps<EditOutcome> {
  throwIfAborted(o.write.signal, absPath)
  const target = yield* resolveTarget(absPath, o.write)
  const current = target.stat ? yield* ignoring(readFile(target.path), ['ENOENT'], undefined) : undefined
  const version = current ? versionOf(current) : null
  checkRead(absPath, version, o.write)
  if (!current && edits[0]!.old !== '') throw missing(absPath)
  const plan = planEdits(current, edits, o, absPath)
  const details = { applied: plan.applied, diff: plan.diff }
  if (o.dryRun) {
    yield* validateBytes(plan.bytes, o.write.validate, target.path)
    return {
      path: target.path,
      changed: false,
      bytesWritten: 0,
      version: version ?? EMPTY_VERSION,
      ...details,
    }
  }
  // With ifMatch, the write checks again right before it commits that the file still holds the bytes
  // read above (one more read); without it, the call costs exactly one read.
  const write = o.write.ifMatch === undefined ? o.write : { ...o.write, ifMatch: version ?? undefined }
  const outcome = yield* writeProtocol(absPath, { bytes: plan.bytes }, write)
  return { ...outcome, ...details }
}

/**
 * The multiEdit protocol: resolve the target → read it once → check ifMatch / ifNoneMatch → apply
 * every edit in memory → one atomic write through the core write protocol (none in a dry run).
 * The edits are checked when this is called, before any I/O.
 * A missing file fails with ENOENT unless the first edit creates it (empty oldString).
 * With `ifMatch`, the version of the bytes read is checked at once, and again by the write right
 * before its rename (that costs a second read).
 */
export function multiEditSteps(absPath: string, edits: unknown, o: ResolvedEditOptions): Steps<EditOutcome> {
  return editProtocol(absPath, checkEdits(edits, absPath), o)
}

/**
 * Applies `edits` to the text file at `path`, all or nothing, with one read and one atomic, durable
 * write. Every oldString is matched against the file as it was read, never against the result of
 * the edits before it; no two edits may touch the same text (`ERR_EDIT_OVERLAP`).
 * Resolves with the write's stats plus each edit's matches and a unified diff.
 * Fails with an `EditError` (`ERR_EDIT_*`, with `editIndex`), `ConflictError`, `EncodingError` or
 * the system's ENOENT (a missing file, unless edits[0] creates it), leaving the file unchanged.
 * @example
 * const { diff } = await multiEdit(writer, 'src/app.ts', [
 *   { oldString: 'const port = 80', newString: 'const port = 8080' },
 *   { oldString: 'http://', newString: 'https://', replaceAll: true },
 * ])
 */
export function multiEdit(
  writer: WriterCore,
  path: string | URL,
  edits: readonly Edit[],
  options?: EditOptions,
): Promise<EditResult> {
  let split: ReturnType<typeof splitEditOptions>
  try {
    split = splitEditOptions(options)
  } catch (err) {
    return Promise.reject(err)
  }
  return writer.writeCall(
    path,
    split.write,
    (abs, ctx) => multiEditSteps(abs, edits, { ...split.edit, write: ctx.options }),
    'edit',
    'read',
  )
}

/** Synchronous {@link multiEdit}: the same protocol with blocking system calls. */
export function multiEditSync(
  writer: WriterCore,
  path: string | URL,
  edits: readonly Edit[],
  options?: EditOptions,
): EditResult {
  const split = splitEditOptions(options)
  return writer.writeCallSync(
    path,
    split.write,
    (abs, ctx) => multiEditSteps(abs, edits, { ...split.edit, write: ctx.options }),
    'edit',
    'read',
  )
}
