import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** Longest file name most file systems accept, in bytes. */
export const NAME_MAX = 255
const SUFFIX = '.dwtmp'
const RANDOM_HEX = 16
const TEMP_NAME = /^\..*\.[0-9a-f]{16}\.dwtmp$/

function truncateBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name
  let out = ''
  let used = 0
  for (const ch of name) {
    const size = Buffer.byteLength(ch)
    if (used + size > maxBytes) break
    out += ch
    used += size
  }
  return out
}

/** Random bytes are drawn from the CSPRNG in blocks: one call per 512 temp names, not one per name. */
let pool = Buffer.alloc(0)
let poolAt = 0

function randomHex(digits: number): string {
  const bytes = digits / 2
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(4096)
    poolAt = 0
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes)
  poolAt += bytes
  return hex
}

/**
 * A fresh temp path beside `target`. A transaction's temps start their random part with its `txid`
 * (8 hex digits), so recovery can find them.: hidden, with 64 bits of crypto randomness, within NAME_MAX.
 * Example: `/data/.config.json.3f9c0e7a1b2d4c5e.dwtmp`.
 */
export function tempPathFor(target: string, txid = ''): string {
  const rand = txid + randomHex(RANDOM_HEX - txid.length)
  const room = NAME_MAX - (1 + 1 + RANDOM_HEX + SUFFIX.length)
  return join(dirname(target), `.${truncateBytes(basename(target), room)}.${rand}${SUFFIX}`)
}

/** True for a file name made by {@link tempPathFor} — the only names recovery ever deletes. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name)
}

/** True for a temp file of transaction `txid`. */
export function isTempOf(name: string, txid: string): boolean {
  return isTempName(name) && name.slice(-(SUFFIX.length + RANDOM_HEX), -SUFFIX.length).startsWith(txid)
}

/** A fresh transaction id: 8 hex digits. */
export function newTxid(): string {
  return randomHex(8)
}
