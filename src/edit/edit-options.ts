import { invalidArgType, invalidArgValue } from '../errors.js'
import { API_OPTIONS, defaultsOf, EDIT_SPEC, type OptionSpec } from '../option-spec.js'
import { checkOptionsObject, type ResolvedWriteOptions, type WriteOptions } from '../options.js'
import type { TextOptions } from './plan.js'
import type { BomOption, EditOptions, EolOption, MatchMode } from './types.js'

/** Defaults of the options only edits have, read from their one declaration (`EDIT_SPEC`). */
export const EDIT_DEFAULTS = defaultsOf(EDIT_SPEC) satisfies Required<
  Pick<EditOptions, 'dryRun' | 'eol' | 'bom' | 'encoding' | 'match'>
>

/** The options of one edit call after defaults and checks. */
export interface ResolvedEditOptions extends TextOptions {
  /** The write options; the same object the writer's call context holds (a held lock is set on it). */
  write: ResolvedWriteOptions
  dryRun: boolean
}

/** The edit-only options, checked, and the rest (the write options) untouched. */
export interface SplitEditOptions {
  edit: Omit<ResolvedEditOptions, 'write'>
  write: WriteOptions
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  const expected = `one of ${allowed.map((a) => `'${a}'`).join(', ')}`
  if (typeof value !== 'string') throw invalidArgType(name, expected, value)
  if (!(allowed as readonly string[]).includes(value)) throw invalidArgValue(name, expected, value, 'type')
  return value as T
}

/**
 * Separates and checks the options only edits have (`dryRun`, `eol`, `bom`, `match`, `encoding`, which may
 * be `'auto'`) from the write options, which the writer resolves; every option name is checked
 * against `spec`, the declaration of the calling API (`api`). The write `encoding` is never
 * passed on: edits write bytes.
 */
export function splitEditOptions(
  options: unknown,
  api = 'multiEdit',
  spec: OptionSpec = API_OPTIONS.multiEdit,
): SplitEditOptions {
  const { dryRun, eol, bom, encoding, match, ...write } = checkOptionsObject(
    options,
    'options',
    spec,
    api,
  ) as EditOptions
  if (dryRun !== undefined && typeof dryRun !== 'boolean')
    throw invalidArgType('options.dryRun', 'a boolean', dryRun)
  if (
    encoding !== undefined &&
    encoding !== 'auto' &&
    (typeof encoding !== 'string' || !Buffer.isEncoding(encoding))
  ) {
    throw invalidArgValue(
      'options.encoding',
      "'auto' or a Buffer encoding such as 'latin1'",
      encoding,
      'type',
    )
  }
  return {
    edit: {
      dryRun: dryRun ?? EDIT_DEFAULTS.dryRun,
      eol: oneOf<EolOption>('options.eol', eol, ['preserve', 'lf', 'crlf'], EDIT_DEFAULTS.eol),
      bom: oneOf<BomOption>('options.bom', bom, ['preserve', 'add', 'strip'], EDIT_DEFAULTS.bom),
      encoding: encoding ?? EDIT_DEFAULTS.encoding,
      match: oneOf<MatchMode>('options.match', match, ['exact', 'tolerant'], EDIT_DEFAULTS.match),
    },
    write: write as WriteOptions,
  }
}
