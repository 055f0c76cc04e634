import { basename, dirname, join } from 'node:path'
import { isTempName, isTempOf } from '../../core/temp-file.js'
import { parseJson } from '../../formats/json.js'
import type { FsLike } from '../../fs/fs-like.js'
import { JOURNAL_DIRNAME, txidOf } from '../../txn/journal.js'
import { decodeManifest } from '../../txn/manifest.js'
import { CONFLICTS_DIRNAME } from '../../txn/recover.js'
import { isJsonWithComments, stripJsonComments } from './jsonc.js'

/** What verify can find. */
export type ProblemKind =
  | 'invalid-json'
  | 'temp-file'
  | 'unfinished-transaction'
  | 'recovery-conflict'
  | 'unreadable'

/** One thing verify found. */
export interface Problem {
  path: string
  kind: ProblemKind
  /** A sentence that says what is wrong and what to do. */
  message: string
  /** The directory whose `durable-write recover` cleans this up, for leftovers of interrupted writes. */
  recoverDir?: string
}

/** What verify checked and found; `ok` when nothing was found. */
export interface VerifyReport {
  ok: boolean
  checked: { files: number; jsonFiles: number; directories: number }
  problems: Problem[]
}

/** Directories a walk does not enter (they are checked when named on the command line). */
const SKIPPED_DIRS = new Set(['node_modules', '.git'])

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Walks `paths` (files and directories, recursively; symlinks are not followed) and reports JSON
 * files that do not parse, leftover temp files of durable-write's naming and unfinished transaction
 * manifests in `.durable-write` journal directories. `onFile` is called after each file checked.
 */
export function verifyPaths(
  paths: readonly string[],
  fs: FsLike,
  onFile?: (checked: number) => void,
): VerifyReport {
  const report: VerifyReport = { ok: true, checked: { files: 0, jsonFiles: 0, directories: 0 }, problems: [] }
  const found = (path: string, kind: ProblemKind, message: string, recoverDir?: string) =>
    report.problems.push(
      recoverDir === undefined ? { path, kind, message } : { path, kind, message, recoverDir },
    )

  function checkJson(path: string): void {
    report.checked.jsonFiles++
    let text: string
    try {
      text = fs.readFileSync(path).toString('utf8')
    } catch (err) {
      found(path, 'unreadable', `Could not read the file: ${reason(err)}.`)
      return
    }
    try {
      parseJson(isJsonWithComments(path) ? stripJsonComments(text) : text, path)
    } catch (err) {
      found(path, 'invalid-json', reason(err))
    }
  }

  function checkManifest(path: string): void {
    const dir = dirname(dirname(path))
    const recover = `Run 'durable-write recover ${dir}' once no transaction is running there.`
    try {
      const decoded = decodeManifest(fs.readFileSync(path), path)
      found(
        path,
        'unfinished-transaction',
        decoded.kind === 'valid'
          ? `A committed transaction was not completed; recovery will finish it. ${recover}`
          : `A transaction was interrupted before its commit point; recovery will undo it. ${recover}`,
        dir,
      )
    } catch (err) {
      found(path, 'unfinished-transaction', reason(err), dir)
    }
  }

  /** Transaction ids of the manifests in `dir`'s journal, cached per directory. */
  const journals = new Map<string, string[]>()
  function manifestTxids(dir: string): string[] {
    let txids = journals.get(dir)
    if (txids === undefined) {
      try {
        txids = fs
          .readdirSync(join(dir, JOURNAL_DIRNAME))
          .map((n) => txidOf(n))
          .filter((t): t is string => t !== undefined)
      } catch {
        txids = []
      }
      journals.set(dir, txids)
    }
    return txids
  }

  /** The directory whose journal holds the unfinished transaction a temp belongs to, if any. */
  function journalOwning(temp: string): string | undefined {
    const name = basename(temp)
    for (let dir = dirname(temp); ; dir = dirname(dir)) {
      if (manifestTxids(dir).some((txid) => isTempOf(name, txid))) return dir
      if (dirname(dir) === dir) return undefined
    }
  }

  function checkFile(path: string): void {
    report.checked.files++
    const name = basename(path)
    if (isTempName(name)) {
      const owner = journalOwning(path)
      found(
        path,
        'temp-file',
        owner === undefined
          ? `A temp file left by an interrupted write. Run 'durable-write recover ${dirname(path)}' to remove it (temps of live writers are kept).`
          : `A temp file of an unfinished transaction journaled in ${join(owner, JOURNAL_DIRNAME)}. Run 'durable-write recover ${owner}'; do not delete it by hand.`,
        owner ?? dirname(path),
      )
    } else if (
      basename(dirname(path)) === CONFLICTS_DIRNAME &&
      basename(dirname(dirname(path))) === JOURNAL_DIRNAME
    ) {
      found(
        path,
        'recovery-conflict',
        'The content of an interrupted transaction that recovery did not put in place, because its target was written again since. Compare it with the target, then delete it.',
      )
    } else if (basename(dirname(path)) === JOURNAL_DIRNAME && txidOf(name) !== undefined) {
      checkManifest(path)
    } else if (name.endsWith('.json')) {
      checkJson(path)
    }
    onFile?.(report.checked.files)
  }

  function visit(path: string, top: boolean): void {
    let st: ReturnType<FsLike['lstatSync']>
    try {
      // A path named on the command line may be a symlink (to a directory); below it, links are not followed.
      st = top ? fs.statSync(path) : fs.lstatSync(path)
    } catch (err) {
      found(path, 'unreadable', `Could not check it: ${reason(err)}.`)
      return
    }
    if (st.isFile()) {
      checkFile(path)
      return
    }
    if (!st.isDirectory()) return
    if (!top && SKIPPED_DIRS.has(basename(path))) return
    report.checked.directories++
    let names: string[]
    try {
      names = fs.readdirSync(path)
    } catch (err) {
      found(path, 'unreadable', `Could not list the directory: ${reason(err)}.`)
      return
    }
    for (const name of names.sort()) visit(join(path, name), false)
  }

  for (const path of paths) visit(path, true)
  report.ok = report.problems.length === 0
  return report
}
