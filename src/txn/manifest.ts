import { createHash } from 'node:crypto'
import { isAbsolute } from 'node:path'
import { DurableWriteError } from '../errors.js'

/** A new content staged in `temp`, to be renamed over `target`; `hash` is its SHA-256 (hex). */
export interface WriteEntry {
  op: 'write'
  target: string
  temp: string
  hash: string
}

/**
 * `target` to be removed; `hash` is the SHA-256 of the content it had when the transaction decided
 * to remove it, so recovery never removes a file that was written again after the transaction.
 */
export interface RemoveEntry {
  op: 'remove'
  target: string
  hash: string
}

/** The redo record of one transaction: written and synced before the first rename (the commit point). */
export interface Manifest {
  txid: string
  entries: (WriteEntry | RemoveEntry)[]
}

const MAGIC = 'durable-write manifest'
const FORMAT = 1

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

/** What a manifest file holds: a committed transaction, or the remains of one that never committed. */
export type Decoded = { kind: 'valid'; manifest: Manifest } | { kind: 'torn' }

function corrupt(path: string, why: string): DurableWriteError {
  return new DurableWriteError(
    'ERR_JOURNAL_CORRUPT',
    `The transaction journal ${path} ${why}; it was left as it is. Inspect it, then remove it by hand.`,
    { path },
  )
}

/**
 * Decodes a manifest file. Short or checksum-mismatched content is `torn` (the crash came before the
 * commit point). A complete, checksummed manifest of an unknown format or with impossible content is
 * ERR_JOURNAL_CORRUPT: recovery refuses to guess.
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
  if (magic !== `${MAGIC} ${FORMAT}`)
    throw corrupt(path, `has format "${magic}", which this version cannot read`)
  let manifest: Manifest
  try {
    manifest = JSON.parse(body.toString('utf8')) as Manifest
  } catch {
    throw corrupt(path, 'passes its checksum but does not parse')
  }
  const ok =
    typeof manifest.txid === 'string' &&
    Array.isArray(manifest.entries) &&
    manifest.entries.every(
      (e) =>
        (e.op === 'write' || e.op === 'remove') &&
        typeof e.target === 'string' &&
        isAbsolute(e.target) &&
        typeof e.hash === 'string' &&
        (e.op === 'remove' || (typeof e.temp === 'string' && isAbsolute(e.temp))),
    )
  if (!ok) throw corrupt(path, 'passes its checksum but has entries of the wrong shape')
  return { kind: 'valid', manifest }
}

/** SHA-256 (hex) of content, as recorded in manifests. */
export function contentHash(data: Uint8Array): string {
  return sha256(data)
}
