import { Writable } from 'node:stream'
import { writeProtocol } from '../core/write-protocol.js'
import type { CallContext, WriterCore } from '../core/writer-core.js'
import { publish } from '../diagnostics.js'
import { AbortError } from '../errors.js'
import type { WriteStats } from '../stats.js'
import { ChunkChannel } from './chunk-channel.js'

/**
 * A Writable that writes into a temp file beside `path` and commits it atomically on `end()`.
 * `'finish'` is emitted only after the commit (rename and, in durable mode, the syncs); `stats` then
 * holds the WriteStats. `destroy(err)`, an error or an abort removes the temp and leaves the target
 * untouched.
 */
export class AtomicWriteStream extends Writable {
  /** What the write did; set just before `'finish'`. */
  stats: WriteStats | undefined
  /** Absolute path of the target. */
  readonly path: string
  readonly #channel = new ChunkChannel()
  readonly #done: Promise<WriteStats>

  /** @internal Use `createWriteStream`. */
  constructor(writer: WriterCore, path: string, ctx: CallContext) {
    super({ decodeStrings: true, defaultEncoding: ctx.options.encoding })
    this.path = path
    const source = { iterator: this.#channel, encoding: ctx.options.encoding }
    this.#done = writer.serialize(path, async () => {
      const outcome = await writer.run(ctx, writeProtocol(path, source, ctx.options))
      return writer.stats(ctx, outcome)
    })
    const signal = ctx.options.signal
    if (signal) {
      const onAbort = () => {
        // Once the protocol has every chunk it checks the signal itself, right before the rename; an
        // abort after the rename must not fail the committed write. Until then it may be waiting for
        // a chunk (or for its turn on the path), so the stream is destroyed here.
        if (this.#channel.drained) return
        const message = `The write to ${path} was aborted before it was committed; the target was left unchanged.`
        this.destroy(new AbortError(message, { path, cause: signal.reason }))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.once('close', () => signal.removeEventListener('abort', onAbort))
    }
    // A failure while data is still arriving (ENOSPC, abort, ...) ends the stream with that error.
    this.#done.catch((err: unknown) => {
      if (!this.destroyed) this.destroy(err as Error)
    })
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#channel.push(chunk, callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#channel.end()
    this.#done.then(
      (stats) => {
        this.stats = stats
        publish('write', stats)
        callback()
      },
      (err: Error) => callback(err),
    )
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#channel.fail(
      error ?? new Error(`The stream writing ${this.path} was destroyed before it finished.`),
    )
    this.#done.then(
      () => callback(error),
      () => callback(error),
    )
  }
}
