import type { Stats } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path'
import { isInside } from '../core/paths.js'
import { isTempOf } from '../core/temp-file.js'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat, readFile, realpath } from '../steps/vocabulary.js'
import { contentHash, journalCorrupt, type RawManifest } from './manifest.js'

/** Where a journal is and what its manifests may touch. */
export interface Scope {
  /** The journal directory (holds the manifests). */
  journalDir: string
  /** The directory that holds the journal directory, as found. */
  dir: string
  /** Its real path: every target lies below it. */
  real: string
  /** Real path of `root`, when one confines the call. */
  root: string | undefined
}

/** A write entry resolved against its scope and checked. */
export interface CheckedWrite {
  op: 'write'
  target: string
  temp: string
  hash: string
  old: string | null | undefined
  /** lstat of the temp; undefined once it was renamed (or is gone). */
  tempStat: Stats | undefined
}

/** A remove entry resolved against its scope and checked. */
export interface CheckedRemove {
  op: 'remove'
  target: string
  hash: string
}

export type CheckedEntry = CheckedWrite | CheckedRemove

const TXID = /^[0-9a-f]{8}$/
const HASH = /^[0-9a-f]{64}$/

/** Splits a scope-relative path into its segments; undefined unless every segment is a plain name. */
function segmentsOf(rel: unknown): string[] | undefined {
  if (typeof rel !== 'string' || rel.length === 0 || rel.includes('\0')) return undefined
  // A backslash is an ordinary character of a POSIX file name, and a separator on Windows.
  if (process.platform === 'win32' && rel.includes('\\')) return undefined
  const parts = rel.split('/')
  return parts.every((p) => p !== '' && p !== '.' && p !== '..') ? parts : undefined
}

/** A format-1 (absolute) path as segments relative to the scope, or undefined when outside it. */
function legacySegments(abs: unknown, scope: Scope): string[] | undefined {
  if (typeof abs !== 'string' || !isAbsolute(abs)) return undefined
  const base = isInside(scope.dir, abs) ? scope.dir : isInside(scope.real, abs) ? scope.real : undefined
  if (base === undefined) return undefined
  return segmentsOf(relative(base, abs).split(sep).join('/'))
}

/** The scope-relative form of an absolute target, as manifests record it. */
export function scopeRelative(scopeReal: string, target: string): string {
  return relative(scopeReal, target).split(sep).join('/')
}

interface Shaped {
  op: 'write' | 'remove'
  target: string
  temp: string | undefined
  hash: string
  old: string | null | undefined
}

/** Checks what needs no file system: shapes, names, txid; resolves targets below the scope. */
function shape(raw: RawManifest, txid: string, scope: Scope, fail: (why: string) => Error): Shaped[] {
  if (raw.txid !== txid || !TXID.test(txid)) fail(`belongs to transaction ${String(raw.txid)}, not ${txid}`)
  if (!Array.isArray(raw.entries)) fail('has no list of entries')
  const seen = new Set<string>()
  return (raw.entries as unknown[]).map((e, i) => {
    const entry = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>
    const { op, hash, old } = entry
    if (op !== 'write' && op !== 'remove') fail(`has an entry ${i} of unknown kind`)
    const segments = raw.format === 1 ? legacySegments(entry.target, scope) : segmentsOf(entry.target)
    if (!segments) fail(`names a target outside its scope ${scope.dir} in entry ${i}`)
    const target = join(scope.real, ...segments!)
    if (scope.root !== undefined && !isInside(scope.root, target))
      fail(`names a target outside the root ${scope.root} in entry ${i}`)
    if (seen.has(target)) fail(`names ${target} twice`)
    seen.add(target)
    if (typeof hash !== 'string' || !HASH.test(hash)) fail(`has no valid content hash in entry ${i}`)
    let temp: string | undefined
    if (op === 'write') {
      const name = raw.format === 1 ? tempOfLegacy(entry.temp, target, scope) : entry.temp
      if (typeof name !== 'string' || name !== basename(name) || !isTempOf(name, txid))
        fail(`names a temp file that is not one of transaction ${txid} beside its target, in entry ${i}`)
      temp = join(dirname(target), name as string)
      if (raw.format === 2 && old !== null && old !== 'other' && (typeof old !== 'string' || !HASH.test(old)))
        fail(`has no valid old version in entry ${i}`)
    }
    return {
      op: op as 'write' | 'remove',
      target,
      temp,
      hash: hash as string,
      old: raw.format === 1 ? undefined : (old as string | null),
    }
  })
}

/** A format-1 temp path, as the base name of a temp beside `target`; undefined when elsewhere. */
function tempOfLegacy(temp: unknown, target: string, scope: Scope): string | undefined {
  const segments = legacySegments(temp, scope)
  if (!segments) return undefined
  const abs = join(scope.real, ...segments)
  return dirname(abs) === dirname(target) ? basename(abs) : undefined
}

/**
 * Manifests are untrusted input (API.md §8a). Before recovery acts on any entry of a committed
 * manifest, every entry must name a target inside the journal's scope (and `root`), reached through
 * real directories (no symlink), a temp of the manifest's own transaction beside its target, and —
 * where the temp still exists — a temp whose content has the recorded hash. Anything else fails the
 * whole manifest with ERR_JOURNAL_CORRUPT before anything is touched.
 */
export function* checkManifest(
  raw: RawManifest,
  txid: string,
  manifestFile: string,
  scope: Scope,
): Steps<CheckedEntry[]> {
  const fail = (why: string): never => {
    throw journalCorrupt(manifestFile, why)
  }
  const shaped = shape(raw, txid, scope, fail)
  const checkedDirs = new Map<string, boolean>()
  const checked: CheckedEntry[] = []
  for (const e of shaped) {
    const dir = dirname(e.target)
    let exists = checkedDirs.get(dir)
    if (exists === undefined) {
      const real = yield* ignoring(realpath(dir), ['ENOENT', 'ENOTDIR'], undefined)
      if (real !== undefined && real !== dir) fail(`reaches ${dir} through a symbolic link (${real})`)
      exists = real !== undefined
      checkedDirs.set(dir, exists)
    }
    if (e.op === 'remove') {
      checked.push({ op: 'remove', target: e.target, hash: e.hash })
      continue
    }
    const temp = e.temp!
    const tempStat = exists ? yield* ignoring(lstat(temp), ['ENOENT'], undefined) : undefined
    if (tempStat && !tempStat.isFile()) fail(`names ${temp}, which is not a regular file`)
    if (tempStat && contentHash(yield* readFile(temp)) !== e.hash)
      fail(`names ${temp}, whose content does not match the recorded hash`)
    checked.push({ op: 'write', target: e.target, temp, hash: e.hash, old: e.old, tempStat })
  }
  return checked
}
