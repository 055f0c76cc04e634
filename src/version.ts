import { createHash, type Hash } from 'node:crypto'

/**
 * An opaque token that identifies file content: two byte sequences have the same version if and only
 * if they are equal (SHA-256). Timestamps play no part.
 */
export type Version = string

const PREFIX = 'sha256:'

/** Computes versions incrementally, chunk by chunk, as a write streams its data. */
export class VersionHasher {
  readonly #hash: Hash = createHash('sha256')

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk)
  }

  digest(): Version {
    return PREFIX + this.#hash.digest('base64url')
  }
}

/**
 * The version of some content.
 * @param data the content; a string is encoded with `encoding` first
 * @param encoding [`'utf8'`] encoding of string data
 * @example
 * const v = versionOf('hello\n')
 * await writeFile('greeting.txt', 'hi\n', { ifMatch: v })
 */
export function versionOf(data: string | Uint8Array, encoding: BufferEncoding = 'utf8'): Version {
  const hash = createHash('sha256')
  if (typeof data === 'string') hash.update(data, encoding)
  else hash.update(data)
  return PREFIX + hash.digest('base64url')
}

/** True when `value` has the shape of a version token. */
export function isVersion(value: unknown): value is Version {
  return typeof value === 'string' && value.startsWith(PREFIX) && value.length === PREFIX.length + 43
}
