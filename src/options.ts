import { type BackupOptions, type ResolvedBackup, resolveBackup } from './core/backup.js'
import type { SweepSchedule } from './core/dead-temps.js'
import {
  type HeldLock,
  type LockOptions,
  type ResolvedLockOptions,
  resolveLockOptions,
} from './core/file-lock.js'
import type { TempLiveness } from './core/temp-liveness.js'
import { argumentError, invalidArgType, invalidArgValue } from './errors.js'
import type { FsLike } from './fs/fs-like.js'
import { CHOWN_SPEC, defaultsOf, type OptionSpec, WRITE_SPEC } from './option-spec.js'
import { checkOptionNames } from './unknown-options.js'
import { isVersion, type Version } from './version.js'

/** `'durable'`: fsync the data and the directory. `'fast'`: temp + rename only (survives a process crash, not a power loss). */
export type Durability = 'durable' | 'fast'

/** Options of every write API. `undefined` always means "the default". */
export interface WriteOptions {
  /**
   * Encoding of string data.
   * @default 'utf8'
   */
  encoding?: BufferEncoding | undefined
  /**
   * `'durable'`: fsync the temp file, rename, fsync the directory — the write survives power loss once
   * the promise resolves. `'fast'`: temp + rename without fsync — atomic against a process crash only.
   * @default 'durable'
   */
  durability?: Durability | undefined
  /**
   * File mode of the result.
   * @default the existing file's mode, else `0o666 & ~umask`
   * @example { mode: 0o600 }
   */
  mode?: number | undefined
  /**
   * Owner of the result, or `false` to leave it to the file system (the writing process's user).
   * @default the existing file's owner, where permitted
   */
  chown?: { uid: number; gid: number } | false | undefined
  /**
   * Create missing parent directories (durably in durable mode).
   * @default true
   */
  mkdirs?: boolean | undefined
  /**
   * When the target already holds exactly these bytes, write nothing and report `changed: false`.
   * In durable mode the existing file and its directory are still made durable.
   * @default false
   */
  skipUnchanged?: boolean | undefined
  /** Fail with `ERR_CONFLICT` unless the current content has this version (see `readVersioned`). */
  ifMatch?: Version | undefined
  /** `'*'`: fail with `ERR_CONFLICT` if the target exists (create-only). */
  ifNoneMatch?: '*' | undefined
  /**
   * Hold the cross-process lock on the target (`<target>.lock`, proper-lockfile; shortened with a
   * hash when the name would exceed NAME_MAX) for the write:
   * `ifMatch` then becomes a true compare-and-swap between cooperating processes.
   * @default false
   */
  lock?: boolean | LockOptions | undefined
  /** Directory every path must stay inside, after resolving `..` and symlinks; else `ERR_OUTSIDE_ROOT`. */
  root?: string | URL | undefined
  /**
   * `'follow'`: write to a symlink's final target and keep the link. `'replace'`: replace the link itself.
   * @default 'follow'
   */
  symlinks?: 'follow' | 'replace' | undefined
  /**
   * Keep the previous version before replacing it: a copy-on-write clone where the file system
   * supports it, a copy otherwise; `true` for the defaults.
   */
  backup?: boolean | BackupOptions | undefined
  /**
   * Called with the complete new bytes before anything is written; throwing (or rejecting) or
   * returning `false` (as ajv-style validators do) aborts with `ERR_VALIDATION`, target untouched.
   * @example { validate: (bytes) => ajvValidate(JSON.parse(Buffer.from(bytes).toString())) }
   */
  validate?: ((bytes: Uint8Array) => unknown) | undefined
  /** Aborting before the rename leaves the target untouched (`ABORT_ERR`). */
  signal?: AbortSignal | undefined
  /** Called with the temp file's path as soon as it exists, for watchers that must ignore it. */
  onTempFile?: ((tempPath: string) => void) | undefined
  /** The file system to use instead of the real one (tests, fault injection). */
  fs?: FsLike | undefined
}

/** Defaults an `AtomicWriter` applies to every call; any per-call option overrides them. */
export type WriterOptions = WriteOptions

/** The options of a write after defaults are applied and arguments checked. */
export interface ResolvedWriteOptions {
  encoding: BufferEncoding
  durability: Durability
  mode: number | undefined
  chown: { uid: number; gid: number } | false | undefined
  mkdirs: boolean
  skipUnchanged: boolean
  ifMatch: Version | undefined
  ifNoneMatch: '*' | undefined
  lock: ResolvedLockOptions | undefined
  /** @internal The lock held for this call; checked right before the commit. */
  guard?: HeldLock | undefined
  /** @internal Judge of the temps a write sweeps from its directory (default: `defaultTempLiveness`). */
  tempLiveness?: TempLiveness | undefined
  /** @internal Rate limit of those sweeps (default: the process's `writeSweeps`). */
  sweeps?: SweepSchedule | undefined
  root: string | URL | undefined
  symlinks: 'follow' | 'replace'
  validate: ((bytes: Uint8Array) => unknown) | undefined
  backup: ResolvedBackup | undefined
  signal: AbortSignal | undefined
  onTempFile: ((tempPath: string) => void) | undefined
  fs: FsLike | undefined
}

/** The defaults of the write options, read from their one declaration (`WRITE_SPEC`). */
export const DEFAULTS = defaultsOf(WRITE_SPEC)

function pick<K extends keyof WriteOptions>(key: K, call: WriteOptions, base: WriteOptions): WriteOptions[K] {
  return call[key] === undefined ? base[key] : call[key]
}

function checkType(name: string, value: unknown, type: string, expected: string): void {
  if (value !== undefined && typeof value !== type) throw invalidArgType(name, expected, value)
}

function checkOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return
  if (typeof value !== 'string')
    throw invalidArgType(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value)
  if (!allowed.includes(value)) {
    throw invalidArgValue(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value, 'type')
  }
}

/**
 * Checks the shape of an options object (throws `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`)
 * and, given the `spec` of the API (`API_OPTIONS`), that it names only options the API declares.
 */
export function checkOptionsObject(
  options: unknown,
  name = 'options',
  spec?: OptionSpec,
  api = 'this call',
): WriteOptions {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidArgType(name, 'an object', options)
  if (spec) checkOptionNames(options, spec, name, api)
  return options as WriteOptions
}

/**
 * Applies `base` (writer defaults) then DEFAULTS to `call`, validating every option. `api` names the
 * call in the message about an option name it does not know.
 */
export function resolveWriteOptions(
  callOptions: unknown,
  base: WriteOptions = {},
  api = 'the write',
  name = 'options',
): ResolvedWriteOptions {
  // Like node:fs, an encoding name may stand for the options.
  const call =
    typeof callOptions === 'string'
      ? { encoding: callOptions as BufferEncoding }
      : checkOptionsObject(callOptions, name, WRITE_SPEC, api)
  const o = {
    encoding: pick('encoding', call, base) ?? DEFAULTS.encoding,
    durability: pick('durability', call, base) ?? DEFAULTS.durability,
    mode: pick('mode', call, base),
    chown: pick('chown', call, base),
    mkdirs: pick('mkdirs', call, base) ?? DEFAULTS.mkdirs,
    skipUnchanged: pick('skipUnchanged', call, base) ?? DEFAULTS.skipUnchanged,
    ifMatch: call.ifMatch,
    ifNoneMatch: call.ifNoneMatch,
    lock: pick('lock', call, base),
    root: pick('root', call, base),
    symlinks: pick('symlinks', call, base) ?? DEFAULTS.symlinks,
    validate: pick('validate', call, base),
    backup: resolveBackup(pick('backup', call, base), pick('root', call, base), api),
    signal: pick('signal', call, base),
    onTempFile: pick('onTempFile', call, base),
    fs: pick('fs', call, base),
  }
  if (typeof o.encoding !== 'string' || !Buffer.isEncoding(o.encoding)) {
    throw invalidArgValue('options.encoding', 'a Buffer encoding such as "utf8"', o.encoding, 'type')
  }
  checkOneOf('options.durability', o.durability, ['durable', 'fast'])
  checkOneOf('options.symlinks', o.symlinks, ['follow', 'replace'])
  if (o.mode !== undefined && (!Number.isInteger(o.mode) || o.mode < 0 || o.mode > 0o777)) {
    if (typeof o.mode !== 'number') throw invalidArgType('options.mode', 'an integer', o.mode)
    throw Number.isInteger(o.mode) && o.mode > 0o777 && o.mode <= 0o7777
      ? argumentError(
          'ERR_INVALID_ARG_VALUE',
          `Expected \`options.mode\` to be a permission mode from 0o000 to 0o777, got 0o${o.mode.toString(8)}: setuid, setgid and sticky bits are never set by a write (only kept from the existing file when \`mode\` is omitted). Pass \`mode & 0o777\`.`,
          'range',
        )
      : invalidArgValue('options.mode', 'an integer from 0o000 to 0o777', o.mode)
  }
  if (o.chown !== undefined && o.chown !== false) {
    const c = o.chown as { uid?: unknown; gid?: unknown }
    if (typeof c !== 'object' || c === null || !Number.isInteger(c.uid) || !Number.isInteger(c.gid)) {
      throw invalidArgType('options.chown', '`{ uid, gid }` with integer ids, or false', o.chown)
    }
    checkOptionNames(c, CHOWN_SPEC, 'options.chown', api)
  }
  if (o.lock === false || o.lock === undefined) o.lock = undefined
  else o.lock = resolveLockOptions(o.lock, 'options.lock', api) as never
  checkType('options.mkdirs', o.mkdirs, 'boolean', 'a boolean')
  checkType('options.skipUnchanged', o.skipUnchanged, 'boolean', 'a boolean')
  checkType('options.ifMatch', o.ifMatch, 'string', 'a version string from readVersioned or versionOf')
  if (o.ifMatch !== undefined && !isVersion(o.ifMatch)) {
    throw invalidArgValue(
      'options.ifMatch',
      'a version from readVersioned, versionOf or WriteStats.version (`sha256:` and 43 characters)',
      o.ifMatch,
      'type',
    )
  }
  if (o.ifNoneMatch !== undefined && o.ifNoneMatch !== '*') {
    throw invalidArgValue('options.ifNoneMatch', "'*'", o.ifNoneMatch, 'type')
  }
  if (o.root !== undefined && typeof o.root !== 'string' && !(o.root instanceof URL)) {
    throw invalidArgType('options.root', 'a string or a file URL', o.root)
  }
  checkType('options.validate', o.validate, 'function', 'a function')
  checkType('options.onTempFile', o.onTempFile, 'function', 'a function')
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalidArgType('options.signal', 'an AbortSignal', o.signal)
  }
  if (o.fs !== undefined && (typeof o.fs !== 'object' || o.fs === null || typeof o.fs.open !== 'function')) {
    throw invalidArgType('options.fs', 'an FsLike object', o.fs)
  }
  return o as ResolvedWriteOptions
}
