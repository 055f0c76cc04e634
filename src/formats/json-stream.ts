import {
  isBigIntObject,
  isBooleanObject,
  isBoxedPrimitive,
  isNumberObject,
  isStringObject,
} from 'node:util/types'
import { invalidArgValue } from '../errors.js'
import { type JsonFormat, type JsonFormatOptions, resolveJsonFormat } from './json-format.js'
import { describeNothing, formatJsonPath, serializeError } from './json-path.js'
import { MAX_MEASURE_DEPTH, measureJson, TOO_DEEP } from './json-size.js'

/** Options of {@link jsonChunks}: the JSON format plus how the text is cut into chunks. */
export interface JsonChunksOptions extends JsonFormatOptions {
  /**
   * Pending text is yielded once it reaches this many UTF-16 code units. A chunk can be longer by one
   * piece: a string or number, or a subtree serialized natively (see `subtreeLimit`).
   * @default 262144 (256 Ki)
   */
  chunkSize?: number | undefined
  /**
   * Subtrees whose JSON is estimated at most this long are serialized with one call of the native
   * JSON.stringify; larger ones are walked member by member. `0` walks everything (slower; every piece
   * is then a single string, number or punctuation).
   * @default 65536 (64 Ki)
   */
  subtreeLimit?: number | undefined
}

const DEFAULT_CHUNK_SIZE = 256 * 1024
const DEFAULT_SUBTREE_LIMIT = 64 * 1024

/** An object or array being written member by member. */
class Frame {
  /** Index of the next member. */
  index = 0
  /** Whether a member has been written (arrays: whether there are any). */
  any: boolean

  constructor(
    /** The container (after toJSON, the replacer and the cycle check). */
    readonly value: Record<string, unknown>,
    /** The keys to write, in order; `null` for an array. */
    readonly keys: readonly string[] | null,
    /** Number of members (keys, or the array's length). */
    readonly length: number,
    /** Written before each member: newline and indentation, or nothing without `space`. */
    readonly sep: string,
    /** Written before the closing bracket when there are members: the parent's `sep`. */
    readonly outer: string,
    /** Nesting level of the members (the root's members are at 1). */
    readonly depth: number,
    /** Members at this level or deeper may be measured for native serialization; shallower ones are walked. */
    readonly measureFrom: number,
  ) {
    this.any = keys === null && length > 0
  }
}

/** Deeper than this, wrapping a subtree for {@link nativeAt} costs more than re-indenting it. */
const MAX_WRAP_DEPTH = 8

/**
 * Native JSON.stringify of a value that stands `depth` levels deep in indented output, after `sep`
 * (a newline and the indentation of that level). Shallow values
 * are nested in `depth` arrays, so that JSON.stringify indents them in place, and the wrapping is cut off
 * (a cheap slice); deeper ones get the indentation inserted after every newline (JSON text has newlines
 * only between tokens: strings escape theirs).
 */
function nativeAt(
  value: unknown,
  depth: number,
  sep: string,
  list: string[] | null,
  gap: string,
  cuts: [number, number][],
): string {
  if (depth === 0 || gap === '') return JSON.stringify(value, list, gap)
  if (depth > MAX_WRAP_DEPTH) return JSON.stringify(value, list, gap).replace(/\n/g, sep)
  let nested = value
  for (let i = 0; i < depth; i++) nested = [nested]
  const text = JSON.stringify(nested, list, gap)
  let cut = cuts[depth]
  if (cut === undefined) {
    let probe: unknown = 0
    for (let i = 0; i < depth; i++) probe = [probe]
    const wrapped = JSON.stringify(probe, null, gap)
    const at = wrapped.indexOf('0')
    cut = [at, wrapped.length - at - 1]
    cuts[depth] = cut
  }
  return text.slice(cut[0], text.length - cut[1])
}

function pathOf(stack: readonly Frame[], depth = stack.length): string {
  const segments: (string | number)[] = []
  for (let i = 0; i < depth; i++) {
    const f = stack[i] as Frame
    segments.push(f.keys === null ? f.index - 1 : (f.keys[f.index - 1] as string))
  }
  return formatJsonPath(segments)
}

/**
 * The walk behind {@link jsonChunks} and the stable one-shot serializer: JSON.stringify's algorithm
 * (SerializeJSONProperty and friends) with an explicit stack, so depth is not limited by the call stack
 * and text is handed out as it is made, then the final newline if asked for. The native JSON.stringify
 * does the subtrees that are small and have no `toJSON` methods but unmodified Dates' (see
 * {@link measureJson}); it never runs with a replacer function, whose results cannot be measured beforehand.
 */
export function* walkJson(
  root: unknown,
  fmt: JsonFormat,
  chunkSize: number,
  subtreeLimit: number,
): Generator<string, void, undefined> {
  const { gap, replacerFn, keys: list, stable, path: filePath } = fmt
  const colon = gap === '' ? ':' : ': '
  const native = replacerFn === null && subtreeLimit > 0
  const requireSorted = stable && list === null
  const stack: Frame[] = []
  const ancestors = new Set<object>()
  const cuts: [number, number][] = []
  let out = ''
  let holder: Record<string, unknown> = { '': root }
  let key: string | number = ''
  let raw: unknown = root
  let top: Frame | undefined

  for (;;) {
    // SerializeJSONProperty: toJSON, the replacer, unboxing.
    let v = raw
    if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
      const toJSON = (v as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') v = toJSON.call(v, String(key))
    }
    if (replacerFn !== null) v = replacerFn.call(holder, String(key), v)
    let piece: string | undefined
    let container: Record<string, unknown> | undefined
    switch (typeof v) {
      case 'string':
        piece = JSON.stringify(v)
        break
      case 'number':
        piece = Number.isFinite(v) ? String(v) : 'null'
        break
      case 'boolean':
        piece = v ? 'true' : 'false'
        break
      case 'bigint':
        throw serializeError({ kind: 'bigint' }, top === undefined ? '$' : pathOf(stack), { path: filePath })
      case 'object':
        if (v === null) piece = 'null'
        else if (!isBoxedPrimitive(v)) container = v as Record<string, unknown>
        else if (isNumberObject(v)) {
          const n = +(v as unknown as number)
          piece = Number.isFinite(n) ? String(n) : 'null'
        } else if (isStringObject(v)) piece = JSON.stringify(String(v))
        else if (isBooleanObject(v)) piece = Boolean.prototype.valueOf.call(v) ? 'true' : 'false'
        else if (isBigIntObject(v)) {
          throw serializeError({ kind: 'bigint' }, top === undefined ? '$' : pathOf(stack), {
            path: filePath,
          })
        } else container = v as unknown as Record<string, unknown> // a Symbol object: an object without keys
        break
    }

    // The member's separator and key; members that serialize to nothing are left out (null in arrays).
    let sep = ''
    let depth = 0
    if (top === undefined) {
      if (piece === undefined && container === undefined) {
        throw serializeError({ kind: 'nothing', what: describeNothing(v, raw) }, '$', { path: filePath })
      }
      sep = gap === '' ? '' : '\n'
    } else if (top.keys !== null) {
      if (piece !== undefined || container !== undefined) {
        out += `${top.any ? ',' : ''}${top.sep}${JSON.stringify(key)}${colon}`
        top.any = true
      }
      sep = top.sep
      depth = top.depth
    } else {
      out += top.index > 1 ? `,${top.sep}` : top.sep
      if (piece === undefined && container === undefined) piece = 'null'
      sep = top.sep
      depth = top.depth
    }

    if (container !== undefined) {
      if (ancestors.has(container)) {
        let at = 0
        while ((stack[at] as Frame).value !== container) at++
        throw serializeError({ kind: 'cycle', ancestorPath: pathOf(stack, at) }, pathOf(stack), {
          path: filePath,
        })
      }
      const inner = gap === '' ? '' : sep + gap
      // Under a path deeper than measuring goes, measure only every MAX_MEASURE_DEPTH / 2 levels: every
      // measure would fail, and a chain of n containers would cost n * MAX_MEASURE_DEPTH steps.
      let measureFrom = top === undefined ? 0 : top.measureFrom
      let small = false
      if (native && depth >= measureFrom && typeof container.toJSON !== 'function') {
        const size = measureJson(container, subtreeLimit, {
          gapLength: gap.length,
          baseIndent: sep.length,
          keys: list,
          requireSorted,
        })
        if (size === TOO_DEEP) measureFrom = depth + MAX_MEASURE_DEPTH / 2
        else small = size <= subtreeLimit
      }
      if (small) {
        out += nativeAt(container, depth, sep, list, gap, cuts)
      } else {
        let keys: readonly string[] | null = null
        if (Array.isArray(container)) out += '['
        else {
          out += '{'
          keys = list
          if (keys === null) {
            keys = Object.keys(container)
            if (stable) (keys as string[]).sort()
          }
        }
        const length = keys === null ? (container as unknown as unknown[]).length : keys.length
        top = new Frame(container, keys, length, inner, sep, depth + 1, measureFrom)
        stack.push(top)
        ancestors.add(container)
      }
    } else if (piece !== undefined) out += piece

    if (out.length >= chunkSize) {
      yield out
      out = ''
    }

    // The next member: close the containers that are done.
    for (;;) {
      if (top === undefined) {
        if (fmt.finalNewline) out += '\n'
        if (out !== '') yield out
        return
      }
      if (top.index < top.length) break
      const closer = top.keys === null ? ']' : '}'
      out += top.any ? top.outer + closer : closer
      ancestors.delete(top.value)
      stack.pop()
      top = stack[stack.length - 1]
    }
    const i = top.index++
    holder = top.value
    if (top.keys === null) {
      key = i
      raw = holder[i]
    } else {
      key = top.keys[i] as string
      raw = holder[key]
    }
  }
}

/**
 * Serializes `value` to JSON as a sequence of string chunks whose concatenation is exactly
 * `serializeJson(value, options)`: JSON.stringify's output (keys sorted when `stable`), plus `'\n'` when
 * `finalNewline`. Memory stays bounded by the largest string in `value` plus about `chunkSize`, not by
 * the size of the output, so the text may exceed the maximum length of a string. Containers are walked
 * with an explicit stack (any depth), small subtrees go through the native JSON.stringify.
 *
 * Options are checked when called; the value is read lazily, as chunks are pulled. A cycle or a BigInt
 * throws a `SerializeError` (`ERR_SERIALIZE`, with the JSON path) from the `next()` call that
 * reaches it; a top-level value that serializes to nothing throws from the first. Errors thrown by
 * `toJSON` methods, getters or the replacer pass through unchanged.
 *
 * @example
 * for (const chunk of jsonChunks(bigValue, { space: 2 })) stream.write(chunk)
 */
export function jsonChunks(
  value: unknown,
  options: JsonChunksOptions = {},
): Generator<string, void, undefined> {
  const fmt = resolveJsonFormat(options)
  const { chunkSize = DEFAULT_CHUNK_SIZE, subtreeLimit = DEFAULT_SUBTREE_LIMIT } = options
  if (typeof chunkSize !== 'number' || !(chunkSize >= 1)) {
    throw invalidArgValue('options.chunkSize', 'a number >= 1', chunkSize)
  }
  if (typeof subtreeLimit !== 'number' || !(subtreeLimit >= 0)) {
    throw invalidArgValue('options.subtreeLimit', 'a number >= 0', subtreeLimit)
  }
  return walkJson(value, fmt, chunkSize, subtreeLimit)
}
