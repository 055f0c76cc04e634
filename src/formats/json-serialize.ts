import { SerializeError } from '../errors.js'
import { type JsonFormat, type JsonFormatOptions, resolveJsonFormat } from './json-format.js'
import { serializeError } from './json-path.js'
import { walkJson } from './json-stream.js'

export type { JsonFormatOptions, JsonReplacerFunction } from './json-format.js'
export { estimateJsonSize } from './json-size.js'
export { type JsonChunksOptions, jsonChunks } from './json-stream.js'

/** Sorted subtrees up to this estimated size go through the native JSON.stringify in stable mode. */
const STABLE_SUBTREE_LIMIT = 8 * 1024 * 1024

/**
 * Finds what JSON.stringify failed on by walking the value again (so `toJSON` methods, getters and the
 * replacer run again). Returns the SerializeError naming the JSON path, or `undefined` when the walk
 * does not fail the same way.
 */
function locate(value: unknown, fmt: JsonFormat, cause: unknown): SerializeError | undefined {
  try {
    for (const _ of walkJson(value, fmt, 1024 * 1024, 0));
  } catch (err) {
    if (err instanceof SerializeError) {
      return new SerializeError(err.message, {
        jsonPath: err.jsonPath,
        path: err.path,
        cause: cause ?? err.cause,
      })
    }
  }
  return undefined
}

/** The error to throw for `err`, thrown by JSON.stringify or the walk. */
function explain(value: unknown, fmt: JsonFormat, err: unknown): unknown {
  if (err instanceof TypeError) return locate(value, fmt, err) ?? err
  if (err instanceof RangeError) {
    let reason: string | undefined
    if (/invalid string length/i.test(err.message)) {
      reason = 'the text would be longer than the longest string JavaScript can hold'
    } else if (/call stack/i.test(err.message)) {
      reason = 'it is nested too deeply for the native JSON.stringify'
    }
    if (reason !== undefined)
      return serializeError({ kind: 'limit', reason }, '$', { path: fmt.path, cause: err })
  }
  return err
}

/**
 * Serializes `value` to JSON text, byte for byte what `JSON.stringify(value, replacer, space)` returns,
 * plus `'\n'` when `finalNewline`. With `stable`, the keys of every object are sorted (default sort order
 * of `Object.keys`, as fast-json-stable-stringify does) while `space`, `toJSON` and `replacer` apply
 * exactly as in JSON.stringify (toJSON first, then the replacer with `this` = the holder).
 *
 * Throws a `SerializeError` (`ERR_SERIALIZE`) whose message and `jsonPath` name the offending value
 * (`$.users[3].id`) for a cycle, a BigInt, or a top-level value that serializes to nothing (undefined,
 * a function, a symbol, or a `toJSON`/replacer result that is one); `cause` is JSON.stringify's
 * TypeError where there is one. Text too long for one string, or nesting too deep for the native
 * serializer, also throws `ERR_SERIALIZE` (use {@link jsonChunks} instead). Errors thrown by `toJSON`
 * methods, getters or the replacer pass through unchanged. Argument errors are `ERR_INVALID_ARG_TYPE`.
 *
 * The success path is a single JSON.stringify call (the stable one is a walk that hands sorted subtrees to
 * JSON.stringify); the JSON path is searched for only after a failure, by walking the value again.
 *
 * @example
 * serializeJson({ b: 1, a: [1, 2] }, { stable: true, space: 0 }) // '{"a":[1,2],"b":1}\n'
 */
export function serializeJson(value: unknown, options: JsonFormatOptions = {}): string {
  const fmt = resolveJsonFormat(options)
  let text: string | undefined
  try {
    if (fmt.stable && fmt.keys === null) {
      const parts: string[] = []
      for (const chunk of walkJson(value, fmt, 1024 * 1024, STABLE_SUBTREE_LIMIT)) {
        chunk.charCodeAt(0) // flattens the chunk's rope while its pieces are young: far less GC work
        parts.push(chunk)
      }
      return parts.join('')
    }
    text = JSON.stringify(value, fmt.nativeReplacer as (string | number)[] | null, fmt.gap)
  } catch (err) {
    if (err instanceof SerializeError) throw err
    throw explain(value, fmt, err)
  }
  if (text === undefined) {
    throw (
      locate(value, fmt, undefined) ??
      serializeError({ kind: 'nothing', what: 'undefined' }, '$', { path: fmt.path })
    )
  }
  return fmt.finalNewline ? `${text}\n` : text
}
