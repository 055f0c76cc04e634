import { createHash } from 'node:crypto'
import { DurableWriteError } from '../errors.js'

/**
 * A new content staged in `temp`, to be renamed over `target`.
 * Paths are relative to the journal's scope (the directory that holds the journal directory), with
 * `/` separators, so a tree that was moved or copied still recovers where it is now.
 */
export interface WriteEntry {
  op: 'write'
  /** Target, relative to the scope. */
  target: string
  /** Base name of the temp file, which lies beside the target and carries the transaction id. */
  temp: string
  /** SHA-256 (hex) of the new content. */
  hash: string
  /**
   * What the target held when the transaction decided to write it: the SHA-256 (hex) of its content,
   * `null` when it did not exist, `'other'` when it was no regular file (a symlink being replaced).
   * Recovery never renames over a target that holds neither this nor the new content.
   * Absent in format-1 manifests, which did not record it.
   */
  old?: string | null | undefined
}

/**
 * `target` to be removed; `hash` is the SHA-256 of the content it had when the transaction decided
 * to remove it, so recovery never removes a file that was written again after the transaction.
 */
export interface RemoveEntry {
  op: 'remove'
  /** Target, relative to the scope. */
  target: string
  hash: string
}

/** The redo record of one transaction: written and synced before the first rename (the commit point). */
export interface Manifest {
  txid: string
  entries: (WriteEntry | RemoveEntry)[]
}

const MAGIC = 'durable-write manifest'
/** Format 2: scope-relative paths, temp base names, old versions. Format 1 (0.1): absolute paths. */
const FORMAT = 2

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Serializes a manifest: a header line with the format version, then the SHA-256 and byte length of
 * the body, then the body (JSON). A manifest whose body does not match its header is torn.
 */
export function encodeManifest(manifest: Manifest): Buffer {
  const body = Buffer.from(JSON.stringify(manifest), 'utf8')
  return Buffer.concat([
    Buffer.from(`${MAGIC} ${FORMAT}\n${sha256(body)} ${body.byteLength}\n`, 'utf8'),
    body,
  ])
}

/** A manifest as read from disk, before its entries are checked against the file system. */
export interface RawManifest {
  format: 1 | 2
  txid: unknown
  entries: unknown
}

/** What a manifest file holds: a committed transaction, or the remains of one that never committed. */
export type Decoded = { kind: 'valid'; manifest: RawManifest } | { kind: 'torn' }

/** ERR_JOURNAL_CORRUPT for the manifest (or journal) at `path`: recovery touched nothing. */
export function journalCorrupt(path: string, why: string): DurableWriteError {
  return new DurableWriteError(
    'ERR_JOURNAL_CORRUPT',
    `The transaction journal ${path} ${why}; recovery touched nothing. Inspect it, then remove it by hand.`,
    { path },
  )
}

/**
 * Decodes a manifest file. Short or checksum-mismatched content is `torn` (the crash came before the
 * commit point). A complete, checksummed manifest of an unknown format or that does not parse is
 * ERR_JOURNAL_CORRUPT: recovery refuses to guess. The entries are checked by `checkManifest`.
 */
export function decodeManifest(bytes: Buffer, path: string): Decoded {
  const first = bytes.indexOf(10)
  const second = first < 0 ? -1 : bytes.indexOf(10, first + 1)
  if (second < 0) return { kind: 'torn' }
  const magic = bytes.subarray(0, first).toString('utf8')
  const [hash, length] = bytes
    .subarray(first + 1, second)
    .toString('utf8')
    .split(' ')
  const body = bytes.subarray(second + 1)
  if (!magic.startsWith(`${MAGIC} `)) return { kind: 'torn' }
  if (body.byteLength !== Number(length) || sha256(body) !== hash) return { kind: 'torn' }
  const format = magic === `${MAGIC} 2` ? 2 : magic === `${MAGIC} 1` ? 1 : undefined
  if (format === undefined)
    throw journalCorrupt(path, `has format "${magic}", which this version cannot read`)
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw journalCorrupt(path, 'passes its checksum but does not parse')
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw journalCorrupt(path, 'passes its checksum but is not an object')
  const { txid, entries } = parsed as { txid?: unknown; entries?: unknown }
  return { kind: 'valid', manifest: { format, txid, entries } }
}

/** SHA-256 (hex) of content, as recorded in manifests. */
export function contentHash(data: Uint8Array): string {
  return sha256(data)
}
