import fc from 'fast-check'
import { type JsonChunksOptions, jsonChunks, serializeJson } from '../../src/formats/json-serialize.js'

/** Characters JSON.stringify treats specially: escapes, lone surrogates, separators. */
const SPECIAL_CHARS = [
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '"',
  '\\',
  '/',
  '\n',
  '\r',
  '\t',
  '\b',
  '\f',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u2028',
  '\u2029',
  'é',
  '😀',
]

/** Strings with unicode, lone surrogates and characters that need escaping. */
export const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...SPECIAL_CHARS),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 8,
})

/** Object keys: identifiers, integer-like keys (which objects order first), odd strings. */
export const key = fc.oneof(
  fc.constantFrom(
    'a',
    'b',
    'id',
    'Z',
    '_',
    'a b',
    '',
    '0',
    '1',
    '2',
    '10',
    '__proto__',
    'toJSON',
    'é',
    '\ud800',
  ),
  text,
)

const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-324),
)

const leaf = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 3, arbitrary: number },
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.date().map((d) => d),
  fc.constant(new Date(Number.NaN)),
  number.map((n) => Object(n) as unknown),
  text.map((s) => Object(s) as unknown),
  fc.boolean().map((b) => Object(b) as unknown),
  fc.constant(Object(Symbol('boxed')) as unknown),
)

/** Values JSON.stringify accepts, with everything it treats specially (but no cycle or BigInt). */
export const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leaf },
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 6 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    fc
      .dictionary(key, tie('value'), { maxKeys: 3 })
      .map((own) => Object.assign(Object.create({ a: 'inherited' }), own)),
    tie('value').map((inner) => ({ toJSON: () => inner })),
    fc.constant({ toJSON: (k: string) => `key:${k}` }),
    fc.dictionary(key, tie('value'), { maxKeys: 2 }).map((own) => ({ x: 1, toJSON: () => own })),
    fc.constant(new Map([['a', 1]])),
  ),
})).value

/** Replacer functions: they change values, drop keys, read their holder, add structure. */
export const replacerFunction = fc.constantFrom(
  function double(_k: string, v: unknown) {
    return typeof v === 'number' ? v * 2 : v
  },
  function dropA(k: string, v: unknown) {
    return k === 'a' ? undefined : v
  },
  function boxLongStrings(_k: string, v: unknown) {
    return typeof v === 'string' && v.length > 3 ? { length: v.length } : v
  },
  function readsHolder(this: unknown, k: string, v: unknown) {
    return Array.isArray(this) && typeof v === 'boolean' ? `${k}:${v}` : v
  },
  function nullToText(_k: string, v: unknown) {
    return v === null ? 'was null' : v
  },
)

/** Replacer allowlists, with duplicates, numbers and keys that rarely exist. */
export const replacerArray = fc.array(fc.oneof(key, fc.integer({ min: 0, max: 12 })), { maxLength: 6 })

/** Every way to write `space`, including the clamped and cut ones. */
export const space = fc.constantFrom<number | string>(
  0,
  1,
  2,
  4,
  '\t',
  'abc',
  11,
  100,
  -1,
  1.7,
  '',
  'abcdefghijklmno',
)

/** A replacer: none, a function or an allowlist. */
export const replacer = fc.oneof(
  fc.constant(null),
  replacerFunction,
  replacerArray as fc.Arbitrary<(string | number)[]>,
)

/** A serializer under test, with the streaming ones forced to stream even tiny values. */
export interface Serializer {
  name: string
  run(value: unknown, options: JsonChunksOptions): string
}

const streamed = (extra: JsonChunksOptions) => (value: unknown, options: JsonChunksOptions) => {
  let out = ''
  for (const chunk of jsonChunks(value, { ...options, ...extra })) out += chunk
  return out
}

/** The one-shot serializer and the streaming one with several subtree and chunk sizes. */
export const serializers: Serializer[] = [
  { name: 'serializeJson', run: (value, options) => serializeJson(value, options) },
  { name: 'jsonChunks', run: streamed({}) },
  { name: 'jsonChunks walking every container', run: streamed({ subtreeLimit: 0, chunkSize: 1 }) },
  { name: 'jsonChunks with tiny subtrees', run: streamed({ subtreeLimit: 40, chunkSize: 16 }) },
]

/** The JSON text `value` stands for, parsed back (`undefined` if none): what stable output must hold. */
export function resolved(value: unknown, replacerOption: unknown): unknown {
  let textForm: string | undefined
  try {
    textForm = JSON.stringify(value, replacerOption as (string | number)[] | null)
  } catch {
    return undefined
  }
  return textForm === undefined ? undefined : JSON.parse(textForm)
}

/** A deep copy of parsed JSON with every object's keys inserted in sorted order. */
export function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).sort()) {
    Object.defineProperty(out, k, {
      value: sortedCopy((value as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

/** True when some object in parsed JSON has an integer-like key (which objects always list first). */
export function hasIndexKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return value.some(hasIndexKey)
  return Object.entries(value).some(([k, v]) => /^(0|[1-9]\d*)$/.test(k) || hasIndexKey(v))
}

/** JSON text without the whitespace outside strings. */
export function minify(json: string): string {
  return json.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? '')
}

/** What JSON.stringify returns for these arguments, or the error it throws. */
export function native(
  value: unknown,
  replacerOption: unknown,
  spaceOption: unknown,
): { text: string | undefined } | { error: Error } {
  try {
    return {
      text: JSON.stringify(value, replacerOption as (string | number)[] | null, spaceOption as number),
    }
  } catch (err) {
    return { error: err as Error }
  }
}
