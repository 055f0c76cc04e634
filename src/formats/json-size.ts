import { isBigIntObject } from 'node:util/types'
import { gapOf, type JsonFormatOptions, propertyList } from './json-format.js'

const DATE_TO_JSON = Date.prototype.toJSON
const DATE_TO_ISO_STRING = Date.prototype.toISOString

/** Deeper subtrees are not measured (they count as unbounded), which keeps the walk off the call stack's limit. */
export const MAX_MEASURE_DEPTH = 200

/** What {@link measureJson} returns when it stopped at {@link MAX_MEASURE_DEPTH}. */
export const TOO_DEEP = -1

/** What {@link measureJson} needs to know about the serialization. */
export interface MeasureSettings {
  /** Length of the indentation step (`0` when not indenting). */
  gapLength: number
  /** Length of the indentation the measured value's own lines start at. */
  baseIndent: number
  /** The replacer's allowlist, which JSON.stringify reads instead of `Object.keys`, or `null`. */
  keys: readonly string[] | null
  /** Count any object whose `Object.keys` are not in sorted order as unbounded. */
  requireSorted: boolean
}

/**
 * Estimates the length of the JSON text of `value` with a walk that stops as soon as the estimate
 * exceeds `limit`. Returns `Infinity` when it does, and also when the size cannot be told without
 * running user code or failing: a BigInt, a `toJSON` method other than an unmodified Date's; and
 * {@link TOO_DEEP} for nesting deeper than {@link MAX_MEASURE_DEPTH} levels (so also for any cycle). A finite result therefore also means that the native
 * JSON.stringify serializes `value` without error and without calling `toJSON` on anything but Dates.
 * Getters are read, so they run (again, when the value is serialized afterwards).
 */
export function measureJson(value: unknown, limit: number, settings: MeasureSettings): number {
  const { gapLength, baseIndent, keys: list, requireSorted } = settings
  let total = 0
  let tooDeep = false
  const visit = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        total += v.length + 2
        return total <= limit
      case 'number':
        total += 8
        return total <= limit
      case 'boolean':
      case 'undefined':
      case 'function':
      case 'symbol':
        total += 5
        return total <= limit
      case 'bigint':
        return false
    }
    if (v === null) {
      total += 4
      return total <= limit
    }
    if (depth >= MAX_MEASURE_DEPTH) {
      tooDeep = true
      return false
    }
    const obj = v as Record<string, unknown>
    const toJSON = obj.toJSON
    if (typeof toJSON === 'function') {
      if (toJSON !== DATE_TO_JSON || !(obj instanceof Date) || obj.toISOString !== DATE_TO_ISO_STRING)
        return false
      total += 26
      return total <= limit
    }
    if (isBigIntObject(obj)) return false
    const memberCost = gapLength === 0 ? 1 : 2 + baseIndent + gapLength * (depth + 1)
    total += 2
    if (Array.isArray(obj)) {
      const length = obj.length
      for (let i = 0; i < length; i++) {
        total += memberCost
        if (!visit(obj[i], depth + 1)) return false
      }
      return total <= limit
    }
    const keys = list ?? Object.keys(obj)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      if (requireSorted && list === null && i > 0 && (keys[i - 1] as string) > key) return false
      total += memberCost + key.length + 3
      if (!visit(obj[key], depth + 1)) return false
    }
    return total <= limit
  }
  if (visit(value, 0)) return total
  return tooDeep ? TOO_DEEP : Number.POSITIVE_INFINITY
}

/**
 * A cheap estimate of the length (in UTF-16 code units) of the JSON text of `value`, for choosing between
 * one-shot and streaming serialization. The walk stops as soon as the estimate exceeds `limit`, so its
 * cost is bounded by `limit`, not by the size of `value`.
 *
 * @param value the value to be serialized
 * @param limit the size of interest, e.g. `8 * 1024 * 1024`
 * @param options `space` and `replacer` as they will be used (a replacer function is not called: the
 *   estimate is of the value as given)
 * @returns the estimate when it is at most `limit`; otherwise `Infinity`. `Infinity` also when the
 *   size cannot be estimated without calling user code or failing: cycles, BigInts, objects with a
 *   `toJSON` method (other than Dates), nesting deeper than 200 levels.
 * @example
 * const streaming = estimateJsonSize(value, 8 * 1024 * 1024) > 8 * 1024 * 1024
 */
export function estimateJsonSize(
  value: unknown,
  limit: number,
  options: Pick<JsonFormatOptions, 'space' | 'replacer'> = {},
): number {
  const replacer = options.replacer
  const size = measureJson(value, limit, {
    gapLength: gapOf(options.space ?? 2).length,
    baseIndent: 0,
    keys: Array.isArray(replacer) ? propertyList(replacer) : null,
    requireSorted: false,
  })
  return size === TOO_DEEP ? Number.POSITIVE_INFINITY : size
}
