/**
 * A drop-in replacement for steno 4: `import { Writer } from 'durable-write/compat/steno'`.
 *
 * Built on a {@link WriteQueue} shared by every Writer of the process (created on first use): while
 * a write of a file is in flight, only the newest data given for it is kept, and every `write()`
 * resolves once content at least as new as its own is durable — steno's coalescing.
 *
 * Differences, all deliberate:
 * - Durable: each physical write fsyncs the temp file and, after the rename, the directory; steno
 *   syncs nothing, so a resolved write can be lost on power failure.
 * - Safe across instances and processes: every write uses its own unpredictable temp file
 *   (`.<name>.<16 hex>.<writer>.dwtmp`, O_EXCL) where steno reuses one fixed `.<name>.tmp`, which two
 *   writers of the same file (two instances, or two processes) overwrite and rename under each
 *   other. Two Writers of one file in a process share one queue, so their writes land in call order.
 *   Between processes each write is atomic and the last rename wins; use `update` or `withLock`
 *   from durable-write for read-modify-write across processes.
 * - Pending data is written before the process exits normally (steno drops it).
 * - Data is a string or bytes (a TypedArray or DataView); steno also passes iterables and streams
 *   through to `fs.writeFile`.
 * - Symlinks are followed (the link is kept and its target written, created if missing) and an
 *   existing file keeps its mode; steno replaces a link with a regular file and resets the mode to
 *   `0o666 & ~umask`, which makes a private 0600 file readable by all. Where a link's target
 *   directory is missing, the link is replaced, as in steno.
 * Missing parent directories are not created (`ENOENT`), as in steno. See docs/faces.md for the
 * tested table of differences.
 * @module
 */
import { toAbsolutePath } from '../core/paths.js'
import { invalidArgType } from '../errors.js'
import { WriteQueue } from '../queue/write-queue.js'
import { isLinkIntoMissingDir } from './dangling-link.js'
import { compatWriter } from './shared.js'

let queue: WriteQueue | undefined

function sharedQueue(): WriteQueue {
  queue ??= new WriteQueue({ writer: compatWriter() })
  return queue
}

function toPath(filename: unknown): string {
  return toAbsolutePath(Buffer.isBuffer(filename) ? filename.toString() : filename, 'filename')
}

function toData(data: unknown): string | Uint8Array {
  if (typeof data === 'string' || data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  throw invalidArgType('data', 'a string, a Buffer, a TypedArray or a DataView', data)
}

/**
 * Writes one file often and concurrently, fast and safe: atomic, durable, coalesced.
 * @example
 * const file = new Writer('db.json') // one per file, for the life of the program
 * await file.write(JSON.stringify(data))
 */
export class Writer {
  readonly #filename: string

  /** @param filename path or file URL of the file to write */
  constructor(filename: string | URL | Buffer) {
    this.#filename = toPath(filename)
  }

  /**
   * Replaces the file's content with `data` (strings as UTF-8). Resolves with `undefined` once this
   * data, or newer data given to a later `write()` of the same file, is durable on disk.
   * @example
   * await file.write('some data')
   */
  async write(data: string | NodeJS.ArrayBufferView): Promise<void> {
    const bytes = toData(data)
    try {
      await sharedQueue().write(this.#filename, bytes)
    } catch (err) {
      if (!isLinkIntoMissingDir(err, this.#filename)) throw err
      await compatWriter().writeFile(this.#filename, bytes, { symlinks: 'replace' })
    }
  }
}
