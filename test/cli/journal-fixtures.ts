import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { tempPathFor } from '../../src/core/temp-file.js'
import { JOURNAL_DIRNAME, manifestPath } from '../../src/txn/journal.js'
import { contentHash, encodeManifest } from '../../src/txn/manifest.js'
import { deadWriter } from '../helpers/dead-writer.js'

/** A leftover temp file beside `target`, as an interrupted write leaves it. */
export function leftoverTemp(target: string, content = 'partial'): string {
  const temp = tempPathFor(target, '', deadWriter())
  writeFileSync(temp, content)
  return temp
}

/**
 * The state a crash right after a transaction's commit point leaves in `dir`: the new content of
 * `target` staged in its temp file and a complete manifest in `<dir>/.durable-write`.
 */
export function committedTransaction(
  dir: string,
  target: string,
  content: string,
): { temp: string; manifest: string } {
  const txid = 'c0ffee01'
  const temp = tempPathFor(target, txid, deadWriter())
  writeFileSync(temp, content)
  mkdirSync(join(dir, JOURNAL_DIRNAME), { recursive: true })
  const manifest = manifestPath(join(dir, JOURNAL_DIRNAME), txid)
  const hash = contentHash(Buffer.from(content))
  const old = existsSync(target) ? contentHash(readFileSync(target)) : null
  writeFileSync(
    manifest,
    encodeManifest({
      txid,
      entries: [{ op: 'write', target: relative(dir, target), temp: basename(temp), hash, old }],
    }),
  )
  return { temp, manifest }
}

/** The state a crash while writing a manifest leaves: a staged temp and a torn manifest. */
export function tornTransaction(dir: string, target: string): { temp: string; manifest: string } {
  const txid = 'dead0002'
  const temp = tempPathFor(target, txid, deadWriter())
  writeFileSync(temp, 'never committed')
  mkdirSync(join(dir, JOURNAL_DIRNAME), { recursive: true })
  const manifest = manifestPath(join(dir, JOURNAL_DIRNAME), txid)
  writeFileSync(manifest, 'durable-write manifest 1\n')
  return { temp, manifest }
}
