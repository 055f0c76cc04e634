/**
 * A drop-in replacement for write-file-atomic 7: `import writeFileAtomic from
 * 'durable-write/compat/write-file-atomic'` (or `require(...)`, which returns the function itself).
 * The same calls, options and results, on durable-write's protocol.
 *
 * Differences, all deliberate:
 * - Stronger durability: besides the temp file's fsync, the directory is fsynced after the rename, so
 *   a resolved write survives power loss (write-file-atomic never syncs the directory). `fsync: false`
 *   skips both (durability `'fast'`).
 * - Temp files are hidden and unpredictable (`.<name>.<16 hex>.<writer>.dwtmp`, opened with O_EXCL and mode
 *   0600) instead of `<name>.<number>`; `tmpfileCreated` receives that path.
 * - `mode: false` gives the file the default permissions of a new file (`0o666 & ~umask`) and
 *   `chown: false` leaves the owner to the writing user, in every form, as the original documents;
 *   the original's asynchronous form rejects `mode: false`, and its sync form ignores both and
 *   copies the old mode and owner.
 * - The caller's options object is never modified (the original's asynchronous form fills in `mode`
 *   and `chown`).
 * - The callback is called once; the original calls it a second time when it throws.
 * - A symlink is followed, also when its target does not exist yet (the target is created and the
 *   link kept, as `fs.writeFile` does); the original replaces a dangling link with a file. Where the
 *   target's directory is missing, the link is replaced, as in the original.
 * - Any TypedArray is written whole (`byteLength` bytes); the original writes `length` bytes.
 * - `null` options mean the defaults in every form; the original's asynchronous form throws.
 * See docs/faces.md for the tested table of differences.
 * Missing parent directories are not created (`ENOENT`), as in the original. Concurrent writes to one
 * path run in call order, as in the original.
 * @module
 */
import { toAbsolutePath } from '../core/paths.js'
import type { WriteOptions } from '../options.js'
import { isLinkIntoMissingDir } from './dangling-link.js'
import { compatWriter, encodingOption, modeOption, notWaitedFor } from './shared.js'

/** Options of write-file-atomic. */
interface WriteFileAtomicOptions {
  /**
   * Owner of the file, or `false` to leave it to the file system (the writing user).
   * @default the existing file's owner (where permitted)
   */
  chown?: { uid: number; gid: number } | false | undefined
  /**
   * Encoding of string data; ignored for buffers.
   * @default 'utf8'
   */
  encoding?: BufferEncoding | null | undefined
  /**
   * `false` skips every fsync (the file's and the directory's): atomic against a process crash only.
   * @default true
   */
  fsync?: boolean | undefined
  /**
   * File mode, or `false` for the default permissions of a new file (`0o666 & ~umask`).
   * @default the existing file's mode, else `0o666 & ~umask`
   */
  mode?: number | false | undefined
  /**
   * Called with the temp file's path once it exists, before any data is written. The asynchronous
   * form waits for a promise it returns; the sync form ignores what it returns.
   */
  tmpfileCreated?: ((tmpfile: string) => unknown) | undefined
}

/** Data write-file-atomic takes: a string or bytes (anything else is converted with `String()`). */
type WriteFileAtomicData = string | NodeJS.ArrayBufferView

/** Node-style callback: called with the error, or with `undefined` once the write is complete. */
type WriteFileAtomicCallback = (error?: Error) => unknown

function toBytes(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return data === null || data === undefined ? '' : String(data)
}

function toWriteOptions(options: unknown, sync: boolean): WriteOptions {
  const o = (typeof options === 'string' ? { encoding: options } : (options ?? {})) as WriteFileAtomicOptions
  if (typeof o !== 'object') return o
  return {
    encoding: encodingOption(o.encoding),
    durability: o.fsync === false ? 'fast' : 'durable',
    mode: modeOption(o.mode),
    chown: o.chown ?? undefined,
    mkdirs: false,
    onTempFile: (sync ? notWaitedFor(o.tmpfileCreated) : o.tmpfileCreated) as WriteOptions['onTempFile'],
  }
}

async function writeAsync(filename: string | URL, data: unknown, options: unknown): Promise<void> {
  const bytes = toBytes(data)
  const o = toWriteOptions(options, false)
  try {
    await compatWriter().writeFile(filename, bytes, o)
  } catch (err) {
    if (!isLinkIntoMissingDir(err, toAbsolutePath(filename, 'filename'))) throw err
    await compatWriter().writeFile(filename, bytes, { ...o, symlinks: 'replace' })
  }
}

/**
 * Atomically and durably replaces `filename` with `data`. Returns a promise; with a callback, the
 * callback gets the error or `undefined`, and the promise resolves with what the callback returns.
 * @example
 * await writeFileAtomic('message.txt', 'Hello Node', { chown: { uid: 100, gid: 50 } })
 * writeFileAtomic('message.txt', 'Hello Node', (err) => { if (err) throw err })
 */
function writeFileAtomic(
  filename: string | URL,
  data: WriteFileAtomicData,
  callback: WriteFileAtomicCallback,
): Promise<void>
function writeFileAtomic(
  filename: string | URL,
  data: WriteFileAtomicData,
  options?: WriteFileAtomicOptions | BufferEncoding | null,
  callback?: WriteFileAtomicCallback,
): Promise<void>
function writeFileAtomic(
  filename: string | URL,
  data: WriteFileAtomicData,
  options?: WriteFileAtomicOptions | BufferEncoding | WriteFileAtomicCallback | null,
  callback?: WriteFileAtomicCallback,
): Promise<void> {
  if (typeof options === 'function') {
    callback = options
    options = undefined
  }
  const promise = writeAsync(filename, data, options)
  if (typeof callback !== 'function') return promise
  const cb = callback
  return promise.then(
    () => cb(undefined),
    (err: Error) => cb(err),
  ) as Promise<void>
}

/**
 * Synchronous form: the same protocol and guarantees, blocking until the file is durable.
 * @example
 * writeFileAtomic.sync('message.txt', 'Hello Node', 'utf8')
 */
function writeFileAtomicSync(
  filename: string | URL,
  data: WriteFileAtomicData,
  options?: WriteFileAtomicOptions | BufferEncoding | null,
): void {
  const bytes = toBytes(data)
  const o = toWriteOptions(options, true)
  try {
    compatWriter().writeFileSync(filename, bytes, o)
  } catch (err) {
    if (!isLinkIntoMissingDir(err, toAbsolutePath(filename, 'filename'))) throw err
    compatWriter().writeFileSync(filename, bytes, { ...o, symlinks: 'replace' })
  }
}

writeFileAtomic.sync = writeFileAtomicSync

/** The types of write-file-atomic's arguments, as `writeFileAtomic.Options` and so on. */
declare namespace writeFileAtomic {
  /** Options of write-file-atomic. */
  export type Options = WriteFileAtomicOptions
  /** Data write-file-atomic takes. */
  export type Data = WriteFileAtomicData
  /** Node-style callback. */
  export type Callback = WriteFileAtomicCallback
}

export default writeFileAtomic
