import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import {
  checkLibraryDirInRoot,
  ensureLibraryDir,
  isLibraryDir,
  LIBRARY_DIRNAME,
  removeCreatedDirs,
} from '../core/library-dir.js'
import { toAbsolutePath } from '../core/paths.js'
import { checkRoot } from '../core/resolve-target.js'
import { writeProtocol } from '../core/write-protocol.js'
import type { WriterCore } from '../core/writer-core.js'
import { invalidArgType } from '../errors.js'
import { API_OPTIONS } from '../option-spec.js'
import { checkOptionsObject, resolveWriteOptions } from '../options.js'
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
import { commonParent } from './journal.js'
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

/**
 * Where a checkpoint's directory lies: `base` is the user's (the common parent of the paths, or
 * `options.dir`), `owned` the components below it that the library owns, the last being the id.
 */
interface Place {
  base: string
  owned: string[]
}

function placeOf(abs: readonly string[], dir: string | URL | undefined, id: string): Place {
  return dir === undefined
    ? { base: commonParent(abs), owned: [LIBRARY_DIRNAME, 'checkpoints', id] }
    : { base: toAbsolutePath(dir, 'options.dir'), owned: [id] }
}

/** Removes the checkpoint's copies and its directory, never through a symlink planted in its place. */
function* removeDir(place: Place, dir: string): Steps<void> {
  if (!(yield* isLibraryDir(place.base, place.owned))) return
  for (const name of yield* ignoring(readdir(dir), ['ENOENT'], [] as string[])) {
    yield* ignoring(unlink(join(dir, name)), ['ENOENT'], undefined)
  }
  yield* ignoring(call('rmdir', dir), ['ENOENT'], undefined)
}

/** Reads a captured copy, refusing a checkpoint directory replaced by a symlink since. */
function* readCopy(place: Place, dir: string, copy: string): Steps<Buffer> {
  yield* isLibraryDir(place.base, place.owned)
  return yield* readFile(join(dir, copy))
}

/**
 * Captures the current content of `paths` (clones or copies in `<dir>/<id>/`, synced, with an index
 * written atomically) so that `restore()` can put it back as one transaction. The default `<dir>`,
 * `.durable-write/checkpoints` in the common parent of the paths, is the library's own: none of its
 * components may be a symlink (`ERR_JOURNAL_CORRUPT`). A user-given `options.dir` may be reached
 * through the user's own symlinks; the directories created in it are checked like the library's.
 * With the writer's `root` set, every path and the directory must lie inside it (`ERR_OUTSIDE_ROOT`,
 * checked before anything is read or created).
 */
export async function createCheckpoint(
  writer: WriterCore,
  paths: readonly (string | URL)[],
  options: { dir?: string | URL } | undefined,
): Promise<Checkpoint> {
  if (!Array.isArray(paths) || paths.length === 0)
    throw invalidArgType('paths', 'a non-empty array of paths', paths)
  const { dir: dirOption } = checkOptionsObject(options, 'options', API_OPTIONS.checkpoint, 'checkpoint') as {
    dir?: string | URL
  }
  const abs = [...new Set(paths.map((p, i) => toAbsolutePath(p, `paths[${i}]`)))]
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
  const place = placeOf(abs, dirOption, id)
  const dir = join(place.base, ...place.owned)
  const ctx = writer.begin(undefined)
  const { root } = ctx.options
  const durable = ctx.options.durability === 'durable'
  let created: string[] = []
  const entries = await writer.run(
    ctx,
    onFailure(
      (function* () {
        if (root !== undefined) {
          for (const path of abs) yield* checkRoot(path, root)
          yield* checkLibraryDirInRoot(place.base, root, 'options.dir')
        }
        created = yield* ensureLibraryDir(place.base, place.owned, durable)
        const list = yield* capture(dir, abs, durable)
        const index = Buffer.from(JSON.stringify({ id, entries: list }), 'utf8')
        yield* writeProtocol(
          join(dir, 'index.json'),
          { bytes: index },
          resolveWriteOptions(undefined, writer.defaults),
        )
        return list
      })(),
      function* () {
        if (!created.includes(dir)) return
        yield* removeDir(place, dir)
        yield* removeCreatedDirs(created)
      },
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
              tx.writeFile(e.path, await writer.run(writer.begin(undefined), readCopy(place, dir, e.copy)), {
                // Special bits are never set by a write: the restored file gets the permission bits.
                mode: e.mode === null ? undefined : e.mode & 0o777,
              })
          }
        },
        undefined,
      ),
    discard: () => writer.run(writer.begin(undefined), removeDir(place, dir)),
  }
}
