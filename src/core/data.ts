import { invalidArgType } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { callUser, pull } from '../steps/vocabulary.js'

/** What can be written: bytes, a string, or a sync/async iterable (a Readable is one) of strings and bytes. */
export type Data =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | NodeJS.ReadableStream

/** Data accepted by the `*Sync` APIs: everything but async sources. */
export type SyncData = string | Uint8Array | Iterable<string | Uint8Array>

/** Data ready to write: either all the bytes, or an iterator that yields chunks. */
export type Source =
  | { readonly bytes: Uint8Array }
  | { readonly iterator: Iterator<unknown> | AsyncIterator<unknown>; readonly encoding: BufferEncoding }

const DATA_TYPES = 'a string, a Uint8Array, an iterable or async iterable of them, or a Readable stream'

/** Checks `data` and turns it into a {@link Source}. */
export function toSource(data: unknown, encoding: BufferEncoding, sync = false): Source {
  if (typeof data === 'string') return { bytes: Buffer.from(data, encoding) }
  if (data instanceof Uint8Array) return { bytes: data }
  if (ArrayBuffer.isView(data))
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
  if (data !== null && typeof data === 'object') {
    const obj = data as Partial<Iterable<unknown> & AsyncIterable<unknown>>
    const iterable = obj[Symbol.iterator]
    if (typeof iterable === 'function') return { iterator: iterable.call(obj), encoding }
    const asyncIterable = obj[Symbol.asyncIterator]
    if (typeof asyncIterable === 'function') {
      if (sync) throw invalidArgType('data', 'a string, a Uint8Array or a sync iterable of them', data)
      return { iterator: asyncIterable.call(obj), encoding }
    }
  }
  throw invalidArgType('data', sync ? 'a string, a Uint8Array or a sync iterable of them' : DATA_TYPES, data)
}

/** One chunk of an iterable source as bytes. */
export function toChunk(value: unknown, encoding: BufferEncoding): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, encoding)
  if (value instanceof Uint8Array) return value
  throw invalidArgType('data chunk', 'a string or a Uint8Array', value)
}

/** Chunks smaller than this are copied together into writes of this size. */
export const GATHER_BYTES = 256 * 1024
/** Chunks from this size on are written as they are, without a copy. */
export const DIRECT_BYTES = 64 * 1024

/**
 * Takes the chunks of an iterator source. Small chunks are copied into writes of GATHER_BYTES (so a
 * source may reuse its buffers); large ones pass through. On failure the source is closed (`return()`),
 * so a stream is destroyed.
 */
export function* chunksOf(
  source: Extract<Source, { iterator: unknown }>,
  each: (chunk: Uint8Array) => Steps<void>,
  beforePull?: () => void,
): Steps<void> {
  let gather: Buffer | undefined
  let used = 0
  function* flush(): Steps<void> {
    if (used === 0 || !gather) return
    const chunk = gather.subarray(0, used)
    gather = undefined
    used = 0
    yield* each(chunk)
  }
  let done = false
  try {
    for (;;) {
      beforePull?.()
      const next = yield* pull(source.iterator)
      if (next.done) break
      const chunk = toChunk(next.value, source.encoding)
      if (chunk.byteLength >= DIRECT_BYTES) {
        yield* flush()
        yield* each(chunk)
        continue
      }
      if (used + chunk.byteLength > GATHER_BYTES) yield* flush()
      gather ??= Buffer.allocUnsafe(GATHER_BYTES)
      gather.set(chunk, used)
      used += chunk.byteLength
    }
    done = true
    yield* flush()
  } finally {
    if (!done && typeof source.iterator.return === 'function') {
      const iterator = source.iterator
      try {
        yield* callUser(() => iterator.return?.())
      } catch {
        // Closing the source must not hide the error that stopped the write.
      }
    }
  }
}

/** Reads a whole source into memory (needed by `validate` and `skipUnchanged` for iterable data). */
export function* collect(source: Source): Steps<Uint8Array> {
  if ('bytes' in source) return source.bytes
  const parts: Uint8Array[] = []
  yield* chunksOf(source, (chunk) => {
    // A copy: a source may reuse the buffer of a chunk that was written directly.
    parts.push(Uint8Array.prototype.slice.call(chunk))
    return noSteps()
  })
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}

/** A step sequence with no operation. */
function* noSteps(): Steps<void> {}
