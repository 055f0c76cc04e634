import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { makeDirs } from '../core/make-dirs.js'
import { toAbsolutePath } from '../core/paths.js'
import { writeProtocol } from '../core/write-protocol.js'
import type { WriterCore } from '../core/writer-core.js'
import { invalidArgType } from '../errors.js'
import { resolveWriteOptions } from '../options.js'
import type { Steps } from '../steps/op.js'
import {
  call,
  cloneFile,
  fsyncFile,
  ignoring,
  onFailure,
  readdir,
  readFile,
  unlink,
} from '../steps/vocabulary.js'
import { commonParent, JOURNAL_DIRNAME } from './journal.js'
import { runTransaction, type TxStats } from './run-transaction.js'

/** The captured content of some files, to put back later as one transaction. */
export interface Checkpoint {
  /** Identifies the checkpoint (also its directory name). */
  readonly id: string
  /** Absolute paths captured. */
  readonly paths: readonly string[]
  /** Where the captured copies are kept. */
  readonly dir: string
  /** Puts every captured file back as it was (a file that did not exist is removed), atomically. */
  restore(): Promise<TxStats>
  /** Deletes the captured copies. */
  discard(): Promise<void>
}

interface IndexEntry {
  path: string
  /** Copy file name inside the checkpoint directory; null: the file did not exist. */
  copy: string | null
  mode: number | null
}

function* capture(dir: string, paths: readonly string[], durable: boolean): Steps<IndexEntry[]> {
  yield* makeDirs(dir, durable)
  const entries: IndexEntry[] = []
  for (const [i, path] of paths.entries()) {
    const st = yield* ignoring(call('stat', path), ['ENOENT'], undefined)
    if (!st) {
      entries.push({ path, copy: null, mode: null })
      continue
    }
    const copy = String(i)
    yield* cloneFile(path, join(dir, copy))
    if (durable) yield* fsyncFile(join(dir, copy))
    entries.push({ path, copy, mode: st.mode & 0o7777 })
  }
  return entries
}

function* removeDir(dir: string): Steps<void> {
  for (const name of yield* ignoring(readdir(dir), ['ENOENT'], [] as string[])) {
    yield* ignoring(unlink(join(dir, name)), ['ENOENT'], undefined)
  }
  yield* ignoring(call('rmdir', dir), ['ENOENT'], undefined)
}

/**
 * Captures the current content of `paths` (clones or copies in `<dir>/<id>/`, synced, with an index
 * written atomically) so that `restore()` can put it back as one transaction.
 */
export async function createCheckpoint(
  writer: WriterCore,
  paths: readonly (string | URL)[],
  options: { dir?: string | URL } | undefined,
): Promise<Checkpoint> {
  if (!Array.isArray(paths) || paths.length === 0)
    throw invalidArgType('paths', 'a non-empty array of paths', paths)
  const abs = [...new Set(paths.map((p, i) => toAbsolutePath(p, `paths[${i}]`)))]
  const root =
    options?.dir === undefined
      ? join(commonParent(abs), JOURNAL_DIRNAME, 'checkpoints')
      : toAbsolutePath(options.dir, 'options.dir')
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
  const dir = join(root, id)
  const ctx = writer.begin(undefined)
  const durable = ctx.options.durability === 'durable'
  const entries = await writer.run(
    ctx,
    onFailure(
      (function* () {
        const list = yield* capture(dir, abs, durable)
        const index = Buffer.from(JSON.stringify({ id, entries: list }), 'utf8')
        yield* writeProtocol(
          join(dir, 'index.json'),
          { bytes: index },
          resolveWriteOptions(undefined, writer.defaults),
        )
        return list
      })(),
      () => removeDir(dir),
    ),
  )
  return {
    id,
    paths: abs,
    dir,
    restore: () =>
      runTransaction(
        writer,
        async (tx) => {
          for (const e of entries) {
            if (e.copy === null) tx.remove(e.path)
            else
              tx.writeFile(e.path, await writer.run(writer.begin(undefined), readFile(join(dir, e.copy))), {
                mode: e.mode ?? undefined,
              })
          }
        },
        undefined,
      ),
    discard: () => writer.run(writer.begin(undefined), removeDir(dir)),
  }
}
