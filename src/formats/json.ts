import type { Source } from '../core/data.js'
import { namingPath } from '../core/read.js'
import { type WriteOutcome, writeProtocol } from '../core/write-protocol.js'
import { invalidArgType, invalidArgValue, ParseError } from '../errors.js'
import { API_OPTIONS, defaultsOf, JSON_SPEC, type OptionSpec } from '../option-spec.js'
import { checkOptionsObject, type ResolvedWriteOptions, type WriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import { ignoring, readFile } from '../steps/vocabulary.js'
import { type Version, versionOf } from '../version.js'
import { estimateJsonSize, jsonChunks, serializeJson } from './json-serialize.js'
import { jsonErrorOffset } from './json-syntax.js'

/** A JSON.stringify replacer: a function, or an allowlist of keys. */
export type JsonReplacer =
  | ((this: unknown, key: string, value: unknown) => unknown)
  | (string | number)[]
  | null

/** Options of `safeWriteJson`: every WriteOption plus how to serialize. */
export interface JsonOptions extends WriteOptions {
  /**
   * Indentation, as for JSON.stringify: a number of spaces (at most 10) or a string.
   * @default 2
   */
  space?: number | string | undefined
  /**
   * Sort the keys of every object (fast-json-stable-stringify order); indentation is still honoured.
   * @default false
   */
  stable?: boolean | undefined
  /** As for JSON.stringify. */
  replacer?: JsonReplacer | undefined
  /**
   * End the file with a newline.
   * @default true
   */
  finalNewline?: boolean | undefined
  /**
   * Serialize incrementally with bounded memory. `'auto'` streams values whose JSON is estimated above
   * a few MiB; `true` always streams; `false` never does (JSON.stringify limits apply).
   * @default 'auto'
   */
  stream?: 'auto' | boolean | undefined
}

/** The serialization half of JsonOptions, with defaults applied. */
export interface SerializeOptions {
  space: number | string
  stable: boolean
  replacer: JsonReplacer
  finalNewline: boolean
}

/** Above this estimated size, `stream: 'auto'` serializes incrementally. */
export const AUTO_STREAM_BYTES = 8 * 1024 * 1024

const JSON_DEFAULTS = defaultsOf(JSON_SPEC)

/**
 * Splits JsonOptions into serialization options and the write options, validating the former; every
 * option name is checked against `spec`, the declaration of the calling API (`api`).
 */
export function splitJsonOptions(
  options: unknown,
  api = 'safeWriteJson',
  spec: OptionSpec = API_OPTIONS.safeWriteJson,
): {
  serialize: SerializeOptions
  stream: 'auto' | boolean
  write: WriteOptions
} {
  if (options === null) throw invalidArgType('options', 'an object', options)
  checkOptionsObject(options, 'options', spec, api)
  const { space, stable, replacer, finalNewline, stream, ...write } = (options ?? {}) as JsonOptions
  if (space !== undefined && typeof space !== 'number' && typeof space !== 'string') {
    throw invalidArgType('options.space', 'a number or a string', space)
  }
  if (stable !== undefined && typeof stable !== 'boolean')
    throw invalidArgType('options.stable', 'a boolean', stable)
  if (finalNewline !== undefined && typeof finalNewline !== 'boolean') {
    throw invalidArgType('options.finalNewline', 'a boolean', finalNewline)
  }
  if (
    replacer !== undefined &&
    replacer !== null &&
    typeof replacer !== 'function' &&
    !Array.isArray(replacer)
  ) {
    throw invalidArgType('options.replacer', 'a function or an array of keys', replacer)
  }
  if (stream !== undefined && stream !== 'auto' && typeof stream !== 'boolean') {
    throw invalidArgValue('options.stream', "'auto', true or false", stream, 'type')
  }
  return {
    serialize: {
      space: space ?? JSON_DEFAULTS.space,
      stable: stable ?? JSON_DEFAULTS.stable,
      replacer: replacer ?? JSON_DEFAULTS.replacer,
      finalNewline: finalNewline ?? JSON_DEFAULTS.finalNewline,
    },
    stream: stream ?? JSON_DEFAULTS.stream,
    write,
  }
}

/**
 * The bytes of `value` as JSON: all at once (serialization errors surface before any I/O), or as a
 * chunk iterator with bounded memory for large values (errors then surface mid-write; the temp file is
 * removed and the target left untouched).
 */
export function jsonSource(
  value: unknown,
  serialize: SerializeOptions,
  stream: 'auto' | boolean,
  path?: string,
): Source {
  const options = path === undefined ? serialize : { ...serialize, path }
  const streaming =
    stream === true ||
    (stream === 'auto' && estimateJsonSize(value, AUTO_STREAM_BYTES, serialize) > AUTO_STREAM_BYTES)
  if (streaming) {
    // 'auto' also streams values it cannot size (a cycle, a BigInt, a toJSON method), small ones included.
    // Pulling the first chunk now, which holds the whole text of any value under the chunk size, makes
    // their serialization errors surface before any I/O, as in the one-shot path.
    const chunks = jsonChunks(value, options)
    const first = chunks.next()
    return { iterator: prepend(first, chunks), encoding: 'utf8' }
  }
  return { bytes: Buffer.from(serializeJson(value, options), 'utf8') }
}

/** `rest`, with the result already pulled from it put back in front. */
function* prepend(
  first: IteratorResult<string>,
  rest: Generator<string, void, undefined>,
): Generator<string> {
  if (first.done) return
  yield first.value
  yield* rest
}

/** Parses JSON text, turning a SyntaxError into a ParseError that names the path, line and column. */
export function parseJson(text: string, path: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  try {
    return JSON.parse(body)
  } catch (err) {
    // JSON.parse names no position for an unexpected token or an early end, so find it. The BOM is
    // no column: count in `body`.
    let offset = jsonErrorOffset(body)
    if (offset < 0) offset = Number(/position (\d+)/.exec((err as Error).message)?.[1] ?? -1)
    let line: number | undefined
    let column: number | undefined
    if (offset >= 0) {
      const before = body.slice(0, offset)
      line = before.split('\n').length
      column = before.length - before.lastIndexOf('\n')
    }
    const where = line === undefined ? '' : ` at line ${line}, column ${column}`
    throw new ParseError(
      `${path} does not contain valid JSON${where}: ${(err as Error).message}. Fix or restore the file (a backup or checkpoint may hold the previous version).`,
      { path, cause: err, line, column },
    )
  }
}

/** Result of `readJson`. */
export interface JsonRead<T> {
  value: T
  /** Version of the bytes read; `null` when the file is missing and `default` was returned. */
  version: Version | null
}

/** Options of `readJson`. */
export interface ReadJsonOptions<T> {
  /** Returned (with version `null`) when the file does not exist; without it a missing file is ENOENT. */
  default?: T
  /**
   * Directory the path must stay inside, after resolving `..` and every symlink the read follows;
   * else `ERR_OUTSIDE_ROOT` and nothing is read.
   * @default the writer's `root`
   */
  root?: string | URL | undefined
}

/** Reads and parses a JSON file with its version; `default` stands in for a missing file. */
export function* readJsonSteps<T>(abs: string, options: ReadJsonOptions<T>): Steps<JsonRead<T>> {
  const hasDefault = 'default' in options
  const read = namingPath(readFile(abs), abs)
  const bytes = hasDefault ? yield* ignoring(read, ['ENOENT'], undefined) : yield* read
  if (bytes === undefined) return { value: options.default as T, version: null }
  return { value: parseJson(bytes.toString('utf8'), abs) as T, version: versionOf(bytes) }
}

/** safeWriteJson as one protocol: serialize (or stream) the value, then the single-file write. */
export function safeWriteJsonSteps(
  abs: string,
  value: unknown,
  json: ReturnType<typeof splitJsonOptions>,
  o: ResolvedWriteOptions,
): Steps<WriteOutcome> {
  return writeProtocol(abs, jsonSource(value, json.serialize, json.stream, abs), o)
}
