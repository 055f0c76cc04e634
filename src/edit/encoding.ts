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

/** How many leading bytes are sampled for the NUL pattern of UTF-16 without a BOM. */
const SAMPLE = 4096

/**
 * `'utf16le'` / `'utf16be'` when the bytes look like UTF-16 without a byte order mark: a NUL in at
 * least a quarter of the odd (LE) or even (BE) positions of the sample and almost none in the others.
 */
function nulPattern(bytes: Uint8Array): 'utf16le' | 'utf16be' | undefined {
  const n = Math.min(bytes.length, SAMPLE) & ~1
  if (n < 2) return undefined
  let even = 0
  let odd = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++
    if (bytes[i + 1] === 0) odd++
  }
  const pairs = n / 2
  if (odd >= pairs / 4 && even * 8 <= odd) return 'utf16le'
  if (even >= pairs / 4 && odd * 8 <= even) return 'utf16be'
  return undefined
}

const UTF32_FIX = 'Edits do not support UTF-32: convert the file to UTF-8 or UTF-16 first.'

function refuse(path: string, what: string, fix: string): EncodingError {
  return new EncodingError(
    `${path} looks like ${what}, which edits would corrupt if they read it as UTF-8 or UTF-16 with a BOM. ${fix} ${unchanged(path)}`,
    { path },
  )
}

/** The encoding `'auto'` reads: UTF-16LE/BE after their BOM, else UTF-8; refuses UTF-32 and BOM-less UTF-16. */
function detect(bytes: Uint8Array, path: string): TextEncoding {
  const [b0, b1, b2, b3] = bytes
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) {
    throw refuse(path, 'UTF-32LE text (it starts with the byte order mark FF FE 00 00)', UTF32_FIX)
  }
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) {
    throw refuse(path, 'UTF-32BE text (it starts with the byte order mark 00 00 FE FF)', UTF32_FIX)
  }
  if (b0 === 0xff && b1 === 0xfe) return 'utf16le'
  if (b0 === 0xfe && b1 === 0xff) return 'utf16be'
  const utf16 = nulPattern(bytes)
  if (utf16 === 'utf16le') {
    throw refuse(
      path,
      'UTF-16LE text without a byte order mark (a NUL byte after most characters)',
      "Pass encoding: 'utf16le' to edit it as UTF-16LE.",
    )
  }
  if (utf16 === 'utf16be') {
    throw refuse(
      path,
      'UTF-16BE text without a byte order mark (a NUL byte before most characters)',
      'UTF-16BE is edited only when the file starts with its byte order mark (FE FF): add it, or convert the file to UTF-8.',
    )
  }
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
 * Decodes a file's bytes. `'auto'` reads UTF-8, or UTF-16LE/BE when the file starts with that BOM;
 * it refuses UTF-32 (by its BOM) and UTF-16 without a BOM (by its NUL bytes), naming the encoding.
 * Fails with `ERR_ENCODING` when the bytes would not come back unchanged from the text (invalid
 * UTF-8, an odd number of UTF-16 bytes, ...): editing them would corrupt the file.
 */
export function decodeText(bytes: Uint8Array, requested: 'auto' | BufferEncoding, path: string): DecodedText {
  const encoding = requested === 'auto' ? detect(bytes, path) : requested
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
