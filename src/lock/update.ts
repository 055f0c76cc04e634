import { type WriteOutcome, writeProtocol } from '../core/write-protocol.js'
import { invalidArgType } from '../errors.js'
import { jsonSource, parseJson, type splitJsonOptions } from '../formats/json.js'
import type { ResolvedWriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import { callUser, ignoring, readFile } from '../steps/vocabulary.js'

/** Reads the current content, or `null` when the file does not exist. */
function readCurrent(abs: string): Steps<Buffer | null> {
  return ignoring(readFile(abs), ['ENOENT'], null)
}

/** Checks that a read-modify-write callback is a function, before any I/O. */
export function checkUpdater(fn: unknown): void {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'a function', fn)
}

/**
 * update as one protocol (run under the target's lock): read → fn(current) → write the result
 * (nothing is written when it equals the current content). Errors thrown by fn propagate unchanged.
 */
export function* updateSteps(
  abs: string,
  fn: (current: string | undefined) => string | Promise<string>,
  o: ResolvedWriteOptions,
): Steps<WriteOutcome> {
  const current = yield* readCurrent(abs)
  const next = yield* callUser(() => fn(current?.toString(o.encoding)))
  if (typeof next !== 'string') throw invalidArgType('the value returned by fn', 'a string', next)
  return yield* writeProtocol(abs, { bytes: Buffer.from(next, o.encoding) }, o, current)
}

function copyOf<T>(value: T): T {
  try {
    return structuredClone(value)
  } catch {
    return value
  }
}

/**
 * updateJson as one protocol (run under the target's lock): read and parse → fn(value, or a copy of
 * `default` when the file is missing) → serialize → write unless unchanged.
 */
export function* updateJsonSteps<T>(
  abs: string,
  fn: (current: T | undefined) => T | Promise<T>,
  json: ReturnType<typeof splitJsonOptions>,
  fallback: { value: T } | undefined,
  o: ResolvedWriteOptions,
): Steps<WriteOutcome & { value: T }> {
  const current = yield* readCurrent(abs)
  const parsed = current
    ? (parseJson(current.toString('utf8'), abs) as T)
    : fallback
      ? copyOf(fallback.value)
      : undefined
  const value = yield* callUser(() => fn(parsed))
  const outcome = yield* writeProtocol(abs, jsonSource(value, json.serialize, json.stream, abs), o, current)
  return { ...outcome, value }
}
