import { type WriteOutcome, writeProtocol } from '../core/write-protocol.js'
import { invalidArgType, invalidArgValue } from '../errors.js'
import type { ResolvedWriteOptions, WriteOptions } from '../options.js'
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

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'string') throw invalidArgType(name, `one of ${allowed.join(', ')}`, value)
  if (!allowed.includes(value as T))
    throw invalidArgValue(name, `one of ${allowed.join(', ')}`, value, 'type')
  return value as T
}

/** Splits TextOptions into the text policy and the write options, validating the former. */
export function splitTextOptions(options: unknown): { policy: TextPolicy; write: WriteOptions } {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw invalidArgType('options', 'an object', options)
  }
  const { eol, finalNewline, bom, ...write } = (options ?? {}) as TextOptions
  return {
    policy: {
      eol: oneOf('options.eol', eol, ['preserve', 'lf', 'crlf'], 'preserve'),
      finalNewline: oneOf('options.finalNewline', finalNewline, ['preserve', 'ensure'], 'preserve'),
      bom: oneOf('options.bom', bom, ['preserve', 'add', 'strip'], 'preserve'),
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
