import { toAbsolutePath } from './core/paths.js'
import { readVersionedSteps, type Versioned } from './core/read.js'
import { WriterCore } from './core/writer-core.js'
import { invalidArgValue } from './errors.js'
import { checkOptionsObject } from './options.js'

/** Options of `readVersioned`. */
export interface ReadOptions {
  /** Decode the content as text; omit to get a Buffer. */
  encoding?: BufferEncoding | undefined
}

function readEncoding(options: unknown): BufferEncoding | undefined {
  const { encoding } = checkOptionsObject(options) as ReadOptions
  if (encoding !== undefined && (typeof encoding !== 'string' || !Buffer.isEncoding(encoding))) {
    throw invalidArgValue('options.encoding', 'a Buffer encoding such as "utf8"', encoding, 'type')
  }
  return encoding
}

/**
 * Atomic, durable writes with shared defaults and state: the fs seam, per-path FIFO queues and
 * directory group commit. The free functions (`writeFile`, ...) use one shared default writer.
 * @example
 * const writer = new AtomicWriter({ root: '/srv/data', durability: 'durable' })
 * await writer.writeFile('/srv/data/state.json', '{}')
 */
export class AtomicWriter extends WriterCore {
  /**
   * Reads a file with its version, for a later compare-and-swap (`ifMatch`).
   * @example
   * const { content, version } = await writer.readVersioned('notes.md', { encoding: 'utf8' })
   * await writer.writeFile('notes.md', content + '\n- more', { ifMatch: version })
   */
  async readVersioned(path: string | URL, options?: { encoding: BufferEncoding }): Promise<Versioned<string>>
  async readVersioned(path: string | URL, options?: ReadOptions): Promise<Versioned<string | Buffer>>
  async readVersioned(path: string | URL, options?: ReadOptions): Promise<Versioned<string | Buffer>> {
    const abs = toAbsolutePath(path)
    const encoding = readEncoding(options)
    const ctx = this.begin(undefined)
    const { bytes, version } = await this.run(ctx, readVersionedSteps(abs))
    return { content: encoding ? bytes.toString(encoding) : bytes, version }
  }

  /** Synchronous {@link readVersioned}. */
  readVersionedSync(path: string | URL, options?: { encoding: BufferEncoding }): Versioned<string>
  readVersionedSync(path: string | URL, options?: ReadOptions): Versioned<string | Buffer>
  readVersionedSync(path: string | URL, options?: ReadOptions): Versioned<string | Buffer> {
    const abs = toAbsolutePath(path)
    const encoding = readEncoding(options)
    const ctx = this.begin(undefined)
    const { bytes, version } = this.runSync(ctx, readVersionedSteps(abs))
    return { content: encoding ? bytes.toString(encoding) : bytes, version }
  }
}
