import { isNumberObject, isStringObject } from 'node:util/types'
import { invalidArgType } from '../errors.js'

/** A JSON.stringify replacer function: called with `this` = the object holding `key`. */
export type JsonReplacerFunction = (this: unknown, key: string, value: unknown) => unknown

/** How to serialize a value to JSON; every field is optional and `undefined` means the default. */
export interface JsonFormatOptions {
  /**
   * Indentation, exactly as for JSON.stringify: a number of spaces (clamped to 10; below 1 means none)
   * or a string (its first 10 characters).
   * @default 2
   * @example 0, 2, '\t'
   */
  space?: number | string | undefined
  /**
   * Sort the keys of every object (default `Array.prototype.sort` order of `Object.keys`, as
   * fast-json-stable-stringify does). Indentation, `toJSON` and `replacer` apply as for JSON.stringify.
   * @default false
   */
  stable?: boolean | undefined
  /**
   * As for JSON.stringify: a function `(key, value) => value` called with `this` = the holder, or an
   * allowlist of keys (strings and numbers) for every object.
   * @default null
   */
  replacer?: JsonReplacerFunction | readonly (string | number)[] | null | undefined
  /**
   * End the text with `'\n'`.
   * @default true
   */
  finalNewline?: boolean | undefined
  /**
   * File path named in error messages and set as the error's `path`.
   */
  path?: string | undefined
}

/** {@link JsonFormatOptions} checked and with defaults applied. */
export interface JsonFormat {
  /** The indentation string (`''` for none), as JSON.stringify derives it from `space`. */
  gap: string
  /** Sort the keys of every object. */
  stable: boolean
  /** The replacer function, or `null`. */
  replacerFn: JsonReplacerFunction | null
  /** The allowlist as JSON.stringify reads it (unique strings, in order; sorted when stable), or `null`. */
  keys: string[] | null
  /** What to hand to the native JSON.stringify as its replacer. */
  nativeReplacer: JsonReplacerFunction | string[] | null
  /** End the text with `'\n'`. */
  finalNewline: boolean
  /** File path for error messages. */
  path: string | undefined
}

/** The indentation string JSON.stringify derives from `space`. */
export function gapOf(space: unknown): string {
  let s = space
  if (isNumberObject(s)) s = Number(s)
  else if (isStringObject(s)) s = String(s)
  if (typeof s === 'number') {
    const n = Math.min(10, Math.trunc(s))
    return n >= 1 ? ' '.repeat(n) : ''
  }
  if (typeof s === 'string') return s.slice(0, 10)
  return ''
}

/** The property list JSON.stringify builds from a replacer array: unique strings, first occurrence first. */
export function propertyList(replacer: ArrayLike<unknown>): string[] {
  const seen = new Set<string>()
  for (let i = 0; i < replacer.length; i++) {
    const item = replacer[i]
    let key: string | undefined
    if (typeof item === 'string') key = item
    else if (typeof item === 'number' || isNumberObject(item) || isStringObject(item)) key = String(item)
    if (key !== undefined) seen.add(key)
  }
  return [...seen]
}

/** Checks {@link JsonFormatOptions} (argument errors as Node throws them) and applies the defaults. */
export function resolveJsonFormat(options: JsonFormatOptions | undefined): JsonFormat {
  const { space = 2, stable = false, replacer = null, finalNewline = true, path } = options ?? {}
  if (
    typeof space !== 'number' &&
    typeof space !== 'string' &&
    !isNumberObject(space) &&
    !isStringObject(space)
  ) {
    throw invalidArgType('options.space', 'a number or a string', space)
  }
  if (typeof stable !== 'boolean') throw invalidArgType('options.stable', 'a boolean', stable)
  if (typeof finalNewline !== 'boolean')
    throw invalidArgType('options.finalNewline', 'a boolean', finalNewline)
  if (replacer !== null && typeof replacer !== 'function' && !Array.isArray(replacer)) {
    throw invalidArgType('options.replacer', 'a function, an array of keys or null', replacer)
  }
  let keys: string[] | null = null
  if (Array.isArray(replacer)) {
    keys = propertyList(replacer)
    if (stable) keys.sort()
  }
  const replacerFn = typeof replacer === 'function' ? (replacer as JsonReplacerFunction) : null
  return {
    gap: gapOf(space),
    stable,
    replacerFn,
    keys,
    nativeReplacer: replacerFn ?? keys,
    finalNewline,
    path,
  }
}
