import { basename, dirname, join } from 'node:path'
import { isTempName } from '../../core/temp-file.js'
import { parseJson } from '../../formats/json.js'
import type { FsLike } from '../../fs/fs-like.js'
import { JOURNAL_DIRNAME, txidOf } from '../../txn/journal.js'
import { decodeManifest } from '../../txn/manifest.js'
import { isJsonWithComments, stripJsonComments } from './jsonc.js'

/** What verify can find. */
export type ProblemKind = 'invalid-json' | 'temp-file' | 'unfinished-transaction' | 'unreadable'

/** One thing verify found. */
export interface Problem {
  path: string
  kind: ProblemKind
  /** A sentence that says what is wrong and what to do. */
  message: string
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
  const found = (path: string, kind: ProblemKind, message: string) =>
    report.problems.push({ path, kind, message })

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
      )
    } catch (err) {
      found(path, 'unfinished-transaction', reason(err))
    }
  }

  function checkFile(path: string): void {
    report.checked.files++
    const name = basename(path)
    if (isTempName(name)) {
      found(
        path,
        'temp-file',
        `A temp file left by an interrupted write. Run 'durable-write recover ${dirname(path)}' (or delete it) once no write is running there.`,
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
