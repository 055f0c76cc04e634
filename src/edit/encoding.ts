import { EncodingError } from '../errors.js'
import { unchanged } from './edit-error.js'

/** A text encoding as edits read and write it: any Buffer encoding, plus UTF-16BE. */
export type TextEncoding = BufferEncoding | 'utf16be'

/** A file's text, without its byte order mark. */
export interface DecodedText {
  text: string
  /** The file started with a byte order mark (U+FEFF). */
  bom: boolean
  encoding: TextEncoding
}

function detect(bytes: Uint8Array): TextEncoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be'
  return 'utf8'
}

function swapped(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes)
  return copy.swap16()
}

function decode(bytes: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'utf16be') return swapped(bytes).toString('utf16le')
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding)
}

/** Encodes `text` (BOM included if wanted) in `encoding`; UTF-16BE is UTF-16LE with swapped bytes. */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf16be') return Buffer.from(text, 'utf16le').swap16()
  return Buffer.from(text, encoding)
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return n
}

/**
 * Decodes a file's bytes. `'auto'` reads UTF-8, or UTF-16LE/BE when the file starts with that BOM.
 * Fails with `ERR_ENCODING` when the bytes would not come back unchanged from the text (invalid
 * UTF-8, an odd number of UTF-16 bytes, ...): editing them would corrupt the file.
 */
export function decodeText(bytes: Uint8Array, requested: 'auto' | BufferEncoding, path: string): DecodedText {
  const encoding = requested === 'auto' ? detect(bytes) : requested
  const bad = (offset: number) =>
    new EncodingError(
      `${path} is not valid ${encoding} text: the bytes at offset ${offset} do not decode and re-encode unchanged, so editing it as text would corrupt it. If it is text in another encoding, pass that as the encoding option (for example 'latin1'). ${unchanged(path)}`,
      { path },
    )
  if (encoding === 'utf16be' && bytes.length % 2 === 1) throw bad(bytes.length - 1)
  const full = decode(bytes, encoding)
  const again = encodeText(full, encoding)
  if (!again.equals(bytes)) throw bad(firstDifference(again, bytes))
  const bom = full.charCodeAt(0) === 0xfeff
  return { text: bom ? full.slice(1) : full, bom, encoding }
}

/**
 * Encodes the edited text, failing with `ERR_ENCODING` when the encoding cannot represent it (for
 * example a character above U+00FF in a latin1 file, or a lone surrogate).
 * @param culprit names what brought the character in, for the message
 */
export function encodeChecked(
  text: string,
  encoding: TextEncoding,
  path: string,
  culprit: () => string,
): Buffer {
  const bytes = encodeText(text, encoding)
  if (decode(bytes, encoding) === text) return bytes
  throw new EncodingError(
    `The edited content of ${path} cannot be written as ${encoding}: ${culprit()} contains characters that ${encoding} cannot represent. Use characters the file's encoding supports, or pass another encoding option. ${unchanged(path)}`,
    { path },
  )
}

/** True when `text` survives encoding and decoding unchanged. */
export function representable(text: string, encoding: TextEncoding): boolean {
  return decode(encodeText(text, encoding), encoding) === text
}
