import { createHash } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { NAME_MAX } from './temp-file.js'

/** Hex digits of the hash that stands for the cut-off part of a long name (64 bits). */
const HASH_HEX = 16
/** Separates a truncated name from its hash: `<truncated>~<hash><suffix>`. */
const HASH_MARK = '~'

/** The longest prefix of `name` that fits in `maxBytes` UTF-8 bytes, cut on a character boundary. */
export function truncateUtf8(name: string, maxBytes: number): string {
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

/**
 * The part of a side file name that stands for `base` when a suffix of `suffixBytes` UTF-8 bytes
 * follows it: `base` itself when the whole name fits NAME_MAX (255 bytes), else `base` cut on a
 * character boundary plus `~` and 16 hex digits of the SHA-256 of the full `base`, so that two long
 * names that share a prefix never share a side file. Depends only on `base` and the suffix length:
 * every side file of one kind (e.g. backups, whose suffix is a fixed-length stamp) of one target has
 * the same stem.
 */
export function sideStem(base: string, suffixBytes: number): string {
  if (Buffer.byteLength(base) + suffixBytes <= NAME_MAX) return base
  const hash = createHash('sha256').update(base).digest('hex').slice(0, HASH_HEX)
  const room = NAME_MAX - suffixBytes - HASH_HEX - HASH_MARK.length
  if (room < 0) throw new RangeError(`A suffix of ${suffixBytes} bytes leaves no room for a file name.`)
  return `${truncateUtf8(base, room)}${HASH_MARK}${hash}`
}

/**
 * The name of a side file of a target whose base name is `base`: `base + suffix` when that fits
 * NAME_MAX bytes (so existing side files such as `<name>.lock` keep their names), else a truncated,
 * hashed stem plus `suffix` (see {@link sideStem}); never longer than NAME_MAX bytes.
 * @example sideName('config.json', '.lock') // 'config.json.lock'
 */
export function sideName(base: string, suffix: string): string {
  return sideStem(base, Buffer.byteLength(suffix)) + suffix
}

/** The path of the side file of `target` with `suffix`, in the target's directory ({@link sideName}). */
export function sidePath(target: string, suffix: string): string {
  return join(dirname(target), sideName(basename(target), suffix))
}

/**
 * The lock directory of `target` (proper-lockfile's `lockfilePath`): `<target>.lock`, or for a base
 * name too long for that suffix a truncated, hashed name that fits NAME_MAX. Every process derives
 * the same path, so locks taken by earlier versions (`<target>.lock`) still exclude.
 */
export function lockPathFor(target: string): string {
  return sidePath(target, '.lock')
}
