import { createHash, randomBytes } from 'node:crypto'
import { basename, dirname, join, relative } from 'node:path'
import { selfWriter, type WriterIdentity } from '../fs/proc.js'
import { truncateUtf8 } from './side-name.js'

/** Longest file name most file systems accept, in bytes. */
export const NAME_MAX = 255
const SUFFIX = '.dwtmp'
const RANDOM_HEX = 16
/** `.<base>.<16 hex>.dwtmp`: the names of version 0.1, which carry no writer. */
const OLD_TEMP_NAME = /^\..*\.([0-9a-f]{16})\.dwtmp$/
/** `.<base>.<16 hex>.<pid>[_<thread>]-<start>-<world>[-t].dwtmp`, pid, thread and start in base 36. */
const TEMP_NAME =
  /^\..*\.([0-9a-f]{16})\.([0-9a-z]{1,11})(?:_([0-9a-z]{1,8}))?-([0-9a-z]{1,11})-([0-9a-f]{8})(-t|-j[0-9a-f]{6})?\.dwtmp$/

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

function writerPart(writer: WriterIdentity, txid: string, journalTag: string | undefined): string {
  const tx = txid ? (journalTag === undefined ? '-t' : `-j${journalTag}`) : ''
  const thread = writer.thread ? `_${writer.thread.toString(36)}` : ''
  return `${writer.pid.toString(36)}${thread}-${writer.start.toString(36)}-${writer.world}${tx}`
}

/**
 * A fresh temp path beside `target`: hidden, with 64 bits of crypto randomness, naming its writer
 * (pid and start time in base 36, and the hash of host, boot id and pid namespace, see `fs/proc.ts`)
 * so that the temps of dead writers can be told from those of live ones; always within NAME_MAX
 * bytes (the target's name is shortened when needed). A transaction's temps start their random part
 * with its `txid` (8 hex digits), so recovery can find them, and end their writer part with `-t`
 * (journaled in a `.durable-write` of an ancestor directory) or `-j<tag>` (journaled in a custom
 * `journalDir`, which only `recover` with that journalDir can see; the tag is {@link journalTagFor}). `writer` defaults to this process. Example: `/data/.config.json.3f9c0e7a1b2d4c5e.1bx-8kq2-9e1f03aa.dwtmp`.
 */
export function tempPathFor(
  target: string,
  txid = '',
  writer: WriterIdentity = selfWriter(),
  journalTag?: string,
): string {
  const rand = txid + randomHex(RANDOM_HEX - txid.length)
  const who = writerPart(writer, txid, journalTag)
  const room = NAME_MAX - (1 + 1 + RANDOM_HEX + 1 + who.length + SUFFIX.length)
  return join(dirname(target), `.${truncateUtf8(basename(target), room)}.${rand}.${who}${SUFFIX}`)
}

/** The 16-hex random part of a temp name, or undefined for other names. */
function randomPart(name: string): string | undefined {
  return (TEMP_NAME.exec(name) ?? OLD_TEMP_NAME.exec(name))?.[1]
}

/**
 * True for a file name made by {@link tempPathFor}, in this version's format or in version 0.1's
 * (`.<name>.<16 hex>.dwtmp`) — the only names recovery ever deletes.
 */
export function isTempName(name: string): boolean {
  return randomPart(name) !== undefined
}

/** True for a temp file of transaction `txid`. */
export function isTempOf(name: string, txid: string): boolean {
  return randomPart(name)?.startsWith(txid) === true
}

/** True for a temp name that says it belongs to a transaction (version 0.1 names do not say). */
export function isTransactionTemp(name: string): boolean {
  return TEMP_NAME.exec(name)?.[6] !== undefined
}

/**
 * Tags a custom journal in the names of its transaction's temps in `dir`: 6 hex digits of the hash of
 * the path from `dir` to the journal, which a move or a copy of the whole tree keeps.
 */
export function journalTagFor(dir: string, journalDir: string): string {
  return createHash('sha256').update(relative(dir, journalDir)).digest('hex').slice(0, 6)
}

/** The custom-journal tag of a transaction temp's name; undefined for other names. */
export function journalTagOf(name: string): string | undefined {
  const part = TEMP_NAME.exec(name)?.[6]
  return part?.startsWith('-j') ? part.slice(2) : undefined
}

/** The transaction id a transaction temp's name carries; undefined for other names. */
export function txidOfTemp(name: string): string | undefined {
  const m = TEMP_NAME.exec(name)
  return m?.[6] === undefined ? undefined : m[1]!.slice(0, 8)
}

/**
 * The writer recorded in a temp name; undefined for names of version 0.1 (which record none) and for
 * names that are not temp names.
 */
export function writerOfTemp(name: string): WriterIdentity | undefined {
  const m = TEMP_NAME.exec(name)
  if (!m) return undefined
  const pid = Number.parseInt(m[2]!, 36)
  const start = Number.parseInt(m[4]!, 36)
  if (!Number.isSafeInteger(pid) || !Number.isSafeInteger(start)) return undefined
  const writer: WriterIdentity = { pid, start, world: m[5]! }
  if (m[3] !== undefined) writer.thread = Number.parseInt(m[3], 36)
  return writer
}

/** A fresh transaction id: 8 hex digits. */
export function newTxid(): string {
  return randomHex(8)
}
