/**
 * Every error the library creates extends {@link DurableWriteError} and carries a stable `code`.
 * System errors (`ENOSPC`, `EACCES`, ...) are never wrapped: they are rethrown unchanged after cleanup.
 */

/** Stable error codes of durable-write (API.md §9). */
export type ErrorCode =
  | 'ERR_CONFLICT'
  | 'ERR_LOCKED'
  | 'ERR_LOCK_COMPROMISED'
  | 'ERR_LOCK_REENTRANT'
  | 'ERR_SERIALIZE'
  | 'ERR_VALIDATION'
  | 'ERR_OUTSIDE_ROOT'
  | 'ERR_ENCODING'
  | 'ERR_EDIT_NOT_FOUND'
  | 'ERR_EDIT_AMBIGUOUS'
  | 'ERR_EDIT_COUNT_MISMATCH'
  | 'ERR_EDIT_NO_OP'
  | 'ERR_EDIT_OVERLAP'
  | 'ERR_EDIT_ALREADY_APPLIED'
  | 'ERR_EDIT_INVALID'
  | 'ERR_BATCH_PARTIAL'
  | 'ERR_JOURNAL_CORRUPT'
  | 'ERR_TXN_INCOMPLETE'
  | 'ERR_PARSE'
  | 'ERR_CLOSED'
  | 'ABORT_ERR'

/** Details shared by every library error. */
export interface ErrorDetails {
  /** Path the error is about, where there is one. */
  path?: string | undefined
  /** The underlying error. */
  cause?: unknown
}

/** Base class of every error created by durable-write. */
export class DurableWriteError extends Error {
  /** Stable machine-readable code, e.g. `ERR_CONFLICT`. */
  readonly code: ErrorCode
  /** Path the error is about, where there is one. */
  readonly path?: string

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'DurableWriteError'
    this.code = code
    if (details.path !== undefined) this.path = details.path
  }
}

/** `ERR_CONFLICT`: the target's version is not the expected one (ifMatch / ifNoneMatch / create). */
export class ConflictError extends DurableWriteError {
  /** Version the caller expected (`ifMatch`); `null` when no file was expected (`ifNoneMatch: '*'`, a create). */
  readonly expected: string | null
  /** Version found on disk, `null` when the file is absent. */
  readonly actual: string | null

  constructor(message: string, details: ErrorDetails & { expected: string | null; actual: string | null }) {
    super('ERR_CONFLICT', message, details)
    this.name = 'ConflictError'
    this.expected = details.expected
    this.actual = details.actual
  }
}

/** `ERR_VALIDATION`: the `validate` option threw; the target was not touched. */
export class ValidationError extends DurableWriteError {
  constructor(message: string, details: ErrorDetails) {
    super('ERR_VALIDATION', message, details)
    this.name = 'ValidationError'
  }
}

/** `ERR_OUTSIDE_ROOT`: a path resolves outside the `root` directory. */
export class OutsideRootError extends DurableWriteError {
  /** The root the path had to stay inside. */
  readonly root: string

  constructor(message: string, details: ErrorDetails & { root: string }) {
    super('ERR_OUTSIDE_ROOT', message, details)
    this.name = 'OutsideRootError'
    this.root = details.root
  }
}

/** `ERR_SERIALIZE`: a value cannot be serialized (cycle, BigInt, ...). */
export class SerializeError extends DurableWriteError {
  /** JSON path of the offending value, e.g. `$.users[3].id`. */
  readonly jsonPath: string

  constructor(message: string, details: ErrorDetails & { jsonPath: string }) {
    super('ERR_SERIALIZE', message, details)
    this.name = 'SerializeError'
    this.jsonPath = details.jsonPath
  }
}

/** `ERR_ENCODING`: bytes do not round-trip through the requested text encoding. */
export class EncodingError extends DurableWriteError {
  constructor(message: string, details: ErrorDetails) {
    super('ERR_ENCODING', message, details)
    this.name = 'EncodingError'
  }
}

/** `ERR_LOCKED`: the cross-process lock could not be acquired within the retries. */
export class LockedError extends DurableWriteError {
  /** Milliseconds since the holder last refreshed the lock, where known. */
  readonly holderAgeMs: number | undefined

  constructor(message: string, details: ErrorDetails & { holderAgeMs?: number | undefined }) {
    super('ERR_LOCKED', message, details)
    this.name = 'LockedError'
    this.holderAgeMs = details.holderAgeMs
  }
}

/** `ERR_LOCK_COMPROMISED`: the lock was lost while held (stalled past `stale`, or removed by another process). */
export class LockCompromisedError extends DurableWriteError {
  constructor(message: string, details: ErrorDetails) {
    super('ERR_LOCK_COMPROMISED', message, details)
    this.name = 'LockCompromisedError'
  }
}

/**
 * `ERR_LOCK_REENTRANT`: a write to a path from inside the callback of `update`/`updateJson` on that
 * same path (the write would deadlock, or be overwritten by the pending update).
 */
export class LockReentrantError extends DurableWriteError {
  constructor(message: string, details: ErrorDetails) {
    super('ERR_LOCK_REENTRANT', message, details)
    this.name = 'LockReentrantError'
  }
}

/** `ERR_BATCH_PARTIAL`: some entries of a non-atomic batch failed; every entry was attempted. */
export class BatchPartialError extends DurableWriteError {
  /** One settled result per entry, in entry order. */
  readonly results: PromiseSettledResult<unknown>[]

  constructor(message: string, details: ErrorDetails & { results: PromiseSettledResult<unknown>[] }) {
    super('ERR_BATCH_PARTIAL', message, details)
    this.name = 'BatchPartialError'
    this.results = details.results
  }
}

/**
 * `ERR_TXN_INCOMPLETE`: a transaction passed its commit point (its manifest is durable) but could not
 * complete; recovery finishes it. Files written again meanwhile are never overwritten by that recovery.
 */
export class TxnIncompleteError extends DurableWriteError {
  /** The manifest that recovery rolls forward. */
  readonly journal: string
  /** Absolute paths of the files the transaction may not have put in place yet. */
  readonly remaining: string[]

  constructor(message: string, details: ErrorDetails & { journal: string; remaining: string[] }) {
    super('ERR_TXN_INCOMPLETE', message, details)
    this.name = 'TxnIncompleteError'
    this.journal = details.journal
    this.remaining = details.remaining
  }
}

/** `ERR_PARSE`: a file that should hold JSON does not parse. */
export class ParseError extends DurableWriteError {
  /** 1-based line and column of the first bad character, where known. */
  readonly line: number | undefined
  readonly column: number | undefined

  constructor(
    message: string,
    details: ErrorDetails & { line?: number | undefined; column?: number | undefined },
  ) {
    super('ERR_PARSE', message, details)
    this.name = 'ParseError'
    this.line = details.line
    this.column = details.column
  }
}

/** `ABORT_ERR`: the operation was aborted through its `signal` before the commit point. */
export class AbortError extends DurableWriteError {
  constructor(
    message = 'The operation was aborted; the target was left unchanged.',
    details: ErrorDetails = {},
  ) {
    super('ABORT_ERR', message, details)
    this.name = 'AbortError'
  }
}

/** Throws an {@link AbortError} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, path?: string): void {
  if (signal?.aborted) {
    throw new AbortError(
      `The write to ${path ?? 'the target'} was aborted before it was committed; the target was left unchanged.`,
      { path, cause: signal.reason },
    )
  }
}

type ArgError = (TypeError | RangeError) & { code: string }

/** How a message shows a value the caller gave: never "undefined undefined", never an empty class name. */
export function describe(value: unknown): string {
  if (value === null) return '`null`'
  if (value === undefined) return 'nothing (`undefined`)'
  if (typeof value === 'function') return `a function ${value.name ? `\`${value.name}\`` : '(anonymous)'}`
  if (typeof value === 'object') {
    if (Array.isArray(value)) return `an array (length ${value.length})`
    const ctor = (value as { constructor?: { name?: unknown } }).constructor
    const ctorName = typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : ''
    const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag]
    const kind = typeof tag === 'string' && tag !== '' ? tag : ctorName
    if (kind === '' || kind === 'Object') return 'a plain object'
    return `an instance of ${kind}`
  }
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
      : typeof value === 'bigint'
        ? `${value}n`
        : String(value)
  return `\`${shown}\` (${typeof value})`
}

/** An argument error with Node's code and a message written out in full. */
export function argumentError(
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE',
  message: string,
  type: 'range' | 'type' = 'type',
): ArgError {
  const Ctor = type === 'range' ? RangeError : TypeError
  const err = new Ctor(message) as ArgError
  err.code = code
  return err
}

/** A `TypeError` with Node's `ERR_INVALID_ARG_TYPE` code. */
export function invalidArgType(name: string, expected: string, actual: unknown): ArgError {
  const err = new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(actual)}.`) as ArgError
  err.code = 'ERR_INVALID_ARG_TYPE'
  return err
}

/** A `RangeError` (or `TypeError`) with Node's `ERR_INVALID_ARG_VALUE` code. */
export function invalidArgValue(
  name: string,
  expected: string,
  actual: unknown,
  type: 'range' | 'type' = 'range',
): ArgError {
  const Ctor = type === 'range' ? RangeError : TypeError
  const err = new Ctor(`Expected \`${name}\` to be ${expected}, got ${describe(actual)}.`) as ArgError
  err.code = 'ERR_INVALID_ARG_VALUE'
  return err
}

/** True for a Node system error with one of the given codes. */
export function hasCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: unknown }).code as string)
}
