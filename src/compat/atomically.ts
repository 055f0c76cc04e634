/**
 * A drop-in replacement for atomically 2: `import { readFile, writeFile } from
 * 'durable-write/compat/atomically'`. The same functions and options, on durable-write's protocol.
 *
 * Options: `encoding`, `mode` (number, octal string, or `false` for `0o666 & ~umask`), `chown`
 * (`{ uid, gid }` or `false`), `fsync`, `schedule` and `tmpCreated` behave as in atomically; missing
 * parent directories are created and symlinks are followed, as in atomically.
 *
 * Differences, all deliberate:
 * - Stronger durability: the directory is fsynced after the rename, so a resolved write survives
 *   power loss (atomically never syncs the directory). `fsync: false` skips both syncs.
 * - `fsyncWait: false` is accepted but the fsync is still waited for: a write is never reported
 *   complete before it is durable.
 * - Temp files are durable-write's own (`.<name>.<16 hex>.<writer>.dwtmp`), so `recover()` can find
 *   them, unless `tmpCreate` names one: it is called with the target's real path, and its path is
 *   used as it is (not truncated). Either way the temp is created with O_EXCL (and a mode never wider than the result's), so an
 *   existing file at a `tmpCreate` path fails the write with `EEXIST`. `tmpCreated` receives the path.
 * - A failed write always removes its temp file: `tmpPurge: false` is accepted and ignored.
 * - Failed operations are not retried, so `timeout` has no effect: EMFILE/ENFILE are queued by
 *   graceful-fs instead, and retrying after an fsync error would hide lost data.
 * - A file name too long for the file system fails with `ENAMETOOLONG`; atomically silently writes
 *   to a truncated name instead.
 * - A symlink whose target does not exist yet is followed (the target is created, the link kept);
 *   atomically replaces it with a regular file.
 * - Any TypedArray is written whole (`byteLength` bytes); atomically writes `length` bytes.
 * - `null` options mean the defaults; atomically throws a TypeError.
 * See docs/faces.md for the tested table of differences.
 * @module
 */
import { fileURLToPath } from 'node:url'
import { defaultWriter } from '../api.js'
import { toAbsolutePath } from '../core/paths.js'
import { invalidArgType } from '../errors.js'
import { nodeFs } from '../fs/node-fs.js'
import type { WriteOptions as CoreWriteOptions } from '../options.js'
import { type NamedTemp, namedTemp } from './named-temp.js'
import { encodingOption, modeOption, notWaitedFor } from './shared.js'

/** Text encodings atomically names. */
export type Encoding =
  | 'ascii'
  | 'base64'
  | 'binary'
  | 'hex'
  | 'latin1'
  | 'utf8'
  | 'utf-8'
  | 'utf16le'
  | 'ucs2'
  | 'ucs-2'

/** Path of a file. A file URL is accepted too. */
export type Path = string | URL

/** Data of a write: a string, bytes, or `undefined` for an empty file. */
export type Data = Uint8Array | string | undefined

/** Called with the error, or with `undefined` once the write is complete. */
export type Callback = (error: NodeJS.ErrnoException | undefined) => void

/** Releases a slot taken by a `schedule` function. */
export type Disposer = () => void

/** Options of readFile / readFileSync (an encoding name stands for `{ encoding }`). */
export interface ReadOptions {
  /** Decode the content as text; `null` or omitted returns a Buffer. */
  encoding?: Encoding | null | undefined
  /** Accepted for compatibility; has no effect on a read. */
  mode?: string | number | false | undefined
  /** Accepted for compatibility; reads are not retried. */
  timeout?: number | undefined
}

/** Options of writeFile / writeFileSync (an encoding name stands for `{ encoding }`). */
export interface WriteOptions {
  /**
   * Owner of the file, or `false` to leave it to the file system.
   * @default the existing file's owner (where permitted)
   */
  chown?: { gid: number; uid: number } | false | undefined
  /**
   * Encoding of string data.
   * @default 'utf8'
   */
  encoding?: Encoding | null | undefined
  /**
   * `false` skips every fsync (the file's and the directory's): atomic against a process crash only.
   * @default true
   */
  fsync?: boolean | undefined
  /** Accepted for compatibility; the fsync is always waited for. */
  fsyncWait?: boolean | undefined
  /**
   * File mode: a number, an octal string, or `false` for `0o666 & ~umask`.
   * @default the existing file's mode, else `0o666 & ~umask`
   */
  mode?: string | number | false | undefined
  /** Resolves with a disposer when the write may start; the disposer is called when it has finished. */
  schedule?: ((filePath: string) => Promise<Disposer>) | undefined
  /** Accepted for compatibility; failed operations are not retried. */
  timeout?: number | undefined
  /**
   * Names the temp file: called with the target's real path (the path itself when it does not exist
   * yet), returns the temp's path. The temp is still created with O_EXCL, never wider than the result's mode.
   * @default a hidden random name beside the target, `.<name>.<16 hex>.<writer>.dwtmp`
   */
  tmpCreate?: ((filePath: string) => string) | undefined
  /** Called with the temp file's path once it exists, before any data is written. */
  tmpCreated?: ((filePath: string) => void) | undefined
  /** Accepted for compatibility and ignored: a failed write always removes its temp file. */
  tmpPurge?: boolean | undefined
}

function objectOf<T>(options: unknown): T {
  if (typeof options === 'string') return { encoding: options } as T
  if (options === undefined || options === null) return {} as T
  if (typeof options !== 'object') throw invalidArgType('options', 'an object or an encoding name', options)
  return options as T
}

function toCoreOptions(options: unknown, named?: NamedTemp): CoreWriteOptions {
  const o = objectOf<WriteOptions>(options)
  const { tmpCreated } = o
  const onTempFile =
    named && typeof tmpCreated === 'function' ? (temp: string) => tmpCreated(named.nameOf(temp)) : tmpCreated
  return {
    encoding: encodingOption(o.encoding) as BufferEncoding | undefined,
    durability: o.fsync === false ? 'fast' : 'durable',
    mode: modeOption(o.mode),
    chown: o.chown ?? undefined,
    onTempFile: notWaitedFor(onTempFile) as CoreWriteOptions['onTempFile'],
    ...(named && { fs: named.fs }),
  }
}

/** The `tmpCreate` function of the options, if any. */
function tmpCreateOf(options: unknown): ((filePath: string) => string) | undefined {
  const { tmpCreate } = objectOf<WriteOptions>(options)
  if (tmpCreate === undefined || tmpCreate === null) return undefined
  if (typeof tmpCreate !== 'function') throw invalidArgType('options.tmpCreate', 'a function', tmpCreate)
  return tmpCreate
}

/** The temp path `tmpCreate` chose, as a string (anything else fails the write before it starts). */
function chosenTemp(tmpCreate: (filePath: string) => string, target: string): string {
  const temp: unknown = tmpCreate(target)
  if (typeof temp !== 'string' || temp === '')
    throw invalidArgType('the result of options.tmpCreate', 'a non-empty path string', temp)
  return temp
}

async function namedTempAsync(filePath: Path, options: unknown): Promise<NamedTemp | undefined> {
  const tmpCreate = tmpCreateOf(options)
  if (!tmpCreate) return undefined
  const abs = toAbsolutePath(filePath, 'filePath')
  const real = await nodeFs()
    .realpath(abs)
    .catch(() => abs)
  return namedTemp(nodeFs(), chosenTemp(tmpCreate, real))
}

function namedTempSync(filePath: Path, options: unknown): NamedTemp | undefined {
  const tmpCreate = tmpCreateOf(options)
  if (!tmpCreate) return undefined
  const abs = toAbsolutePath(filePath, 'filePath')
  let real = abs
  try {
    real = nodeFs().realpathSync(abs)
  } catch {
    // A target that does not exist yet is named by its own path, as in atomically.
  }
  return namedTemp(nodeFs(), chosenTemp(tmpCreate, real))
}

function decode(bytes: Buffer, options: unknown): Buffer | string {
  const encoding = encodingOption(objectOf<ReadOptions>(options).encoding)
  return encoding === undefined ? bytes : bytes.toString(encoding)
}

/**
 * Reads a file: a string when an encoding is given, else a Buffer.
 * @example
 * const text = await readFile('/foo.txt', 'utf8')
 */
export function readFile(
  filePath: Path,
  options: Encoding | (ReadOptions & { encoding: string }),
): Promise<string>
export function readFile(filePath: Path, options?: ReadOptions): Promise<Buffer>
export async function readFile(filePath: Path, options?: Encoding | ReadOptions): Promise<Buffer | string> {
  const abs = toAbsolutePath(filePath, 'filePath')
  return decode(await nodeFs().readFile(abs), options)
}

/**
 * Synchronous {@link readFile}.
 * @example
 * const text = readFileSync('/foo.txt', 'utf8')
 */
export function readFileSync(filePath: Path, options: Encoding | (ReadOptions & { encoding: string })): string
export function readFileSync(filePath: Path, options?: ReadOptions): Buffer
export function readFileSync(filePath: Path, options?: Encoding | ReadOptions): Buffer | string {
  const abs = toAbsolutePath(filePath, 'filePath')
  return decode(nodeFs().readFileSync(abs), options)
}

async function writeAsync(filePath: Path, data: unknown, options: unknown): Promise<void> {
  const core = toCoreOptions(options, await namedTempAsync(filePath, options))
  const { schedule } = objectOf<WriteOptions>(options)
  const dispose =
    typeof schedule === 'function'
      ? await schedule(filePath instanceof URL ? fileURLToPath(filePath) : filePath)
      : undefined
  try {
    await defaultWriter().writeFile(filePath, (data ?? '') as string, core)
  } finally {
    if (typeof dispose === 'function') dispose()
  }
}

/**
 * Atomically and durably replaces a file (a Readable is accepted as data too). Returns a promise;
 * a callback, when given, is called with the error or `undefined` as well.
 * @example
 * await writeFile('/foo.txt', 'my_data', { mode: 0o600 })
 */
export function writeFile(
  filePath: Path,
  data: Data | NodeJS.ReadableStream,
  callback?: Callback,
): Promise<void>
export function writeFile(
  filePath: Path,
  data: Data | NodeJS.ReadableStream,
  options?: Encoding | WriteOptions,
  callback?: Callback,
): Promise<void>
export function writeFile(
  filePath: Path,
  data: Data | NodeJS.ReadableStream,
  options?: Encoding | WriteOptions | Callback,
  callback?: Callback,
): Promise<void> {
  if (typeof options === 'function') return writeFile(filePath, data, undefined, options)
  const promise = writeAsync(filePath, data, options)
  if (typeof callback === 'function') {
    const cb = callback
    promise.then(() => cb(undefined), cb)
  }
  return promise
}

/**
 * Synchronous {@link writeFile}: the same protocol and guarantees, blocking until the file is durable.
 * @example
 * writeFileSync('/foo.txt', 'my_data')
 */
export function writeFileSync(filePath: Path, data: Data, options?: Encoding | WriteOptions): void {
  const core = toCoreOptions(options, namedTempSync(filePath, options))
  defaultWriter().writeFileSync(filePath, (data ?? '') as string, core)
}
