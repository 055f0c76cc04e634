import { type WriteOutcome, writeProtocol } from '../core/write-protocol.js'
import { invalidArgType, invalidArgValue } from '../errors.js'
import { API_OPTIONS, defaultsOf, type OptionSpec, TEXT_SPEC } from '../option-spec.js'
import { checkOptionsObject, type ResolvedWriteOptions, type WriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import { ignoring, readFile } from '../steps/vocabulary.js'
import { formatText } from './text.js'

/** Options of `safeWriteMd`: every WriteOption plus line-ending, final-newline and BOM policies. */
export interface TextOptions extends WriteOptions {
  /**
   * Line endings of the result. `'preserve'` uses the dominant ending of the file being replaced (LF for a new file).
   * @default 'preserve'
   */
  eol?: 'preserve' | 'lf' | 'crlf' | undefined
  /**
   * `'preserve'`: end with a newline exactly when the file being replaced did (a new file keeps the text as given).
   * `'ensure'`: always end with one.
   * @default 'preserve'
   */
  finalNewline?: 'preserve' | 'ensure' | undefined
  /**
   * UTF-8 byte order mark. `'preserve'` keeps the replaced file's BOM state (none for a new file).
   * @default 'preserve'
   */
  bom?: 'preserve' | 'add' | 'strip' | undefined
}

/** The text half of TextOptions, with defaults applied. */
export interface TextPolicy {
  eol: 'preserve' | 'lf' | 'crlf'
  finalNewline: 'preserve' | 'ensure'
  bom: 'preserve' | 'add' | 'strip'
}

const TEXT_DEFAULTS = defaultsOf(TEXT_SPEC)

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  const expected = `one of ${allowed.map((a) => `'${a}'`).join(', ')}`
  if (typeof value !== 'string') throw invalidArgType(name, expected, value)
  if (!allowed.includes(value as T)) throw invalidArgValue(name, expected, value, 'type')
  return value as T
}

/**
 * Splits TextOptions into the text policy and the write options, validating the former; every
 * option name is checked against `spec`, the declaration of the calling API (`api`).
 */
export function splitTextOptions(
  options: unknown,
  api = 'safeWriteMd',
  spec: OptionSpec = API_OPTIONS.safeWriteMd,
): { policy: TextPolicy; write: WriteOptions } {
  if (options === null) throw invalidArgType('options', 'an object', options)
  checkOptionsObject(options, 'options', spec, api)
  const { eol, finalNewline, bom, ...write } = (options ?? {}) as TextOptions
  return {
    policy: {
      eol: oneOf('options.eol', eol, ['preserve', 'lf', 'crlf'], TEXT_DEFAULTS.eol),
      finalNewline: oneOf(
        'options.finalNewline',
        finalNewline,
        ['preserve', 'ensure'],
        TEXT_DEFAULTS.finalNewline,
      ),
      bom: oneOf('options.bom', bom, ['preserve', 'add', 'strip'], TEXT_DEFAULTS.bom),
    },
    write,
  }
}

/** True when the policy needs the content of the file being replaced. */
export function needsPrevious(policy: TextPolicy): boolean {
  return policy.eol === 'preserve' || policy.finalNewline === 'preserve' || policy.bom === 'preserve'
}

/** safeWriteMd as one protocol: read the file being replaced when a policy preserves it, format, write. */
export function* writeTextSteps(
  abs: string,
  text: string,
  policy: TextPolicy,
  o: ResolvedWriteOptions,
): Steps<WriteOutcome> {
  const previous = needsPrevious(policy)
    ? yield* ignoring(readFile(abs), ['ENOENT', 'EISDIR'], undefined)
    : undefined
  const out = formatText(text, previous?.toString(o.encoding), policy)
  return yield* writeProtocol(abs, { bytes: Buffer.from(out, o.encoding) }, o)
}
