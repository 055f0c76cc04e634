import { dirname, sep } from 'node:path'
import type { Problem } from './scan.js'

/** The leftovers of interrupted writes found in one directory. */
export interface LeftoverGroup {
  /** The directory holding the temp files (or, for a manifest, the journal's directory). */
  dir: string
  tempFiles: number
  unfinishedTransactions: number
}

/** Leftovers grouped by directory, and the one directory whose recovery cleans up all of them. */
export interface Leftovers {
  groups: LeftoverGroup[]
  /** Deepest common ancestor of every group's recovery directory; `undefined` when nothing is left over. */
  recoverDir: string | undefined
}

function commonAncestor(a: string, b: string): string {
  for (let dir = a; ; dir = dirname(dir)) {
    if (b === dir || b.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`)) return dir
    if (dirname(dir) === dir) return dir
  }
}

/** Groups the temp files and unfinished transactions of `problems` by directory, in path order. */
export function leftoversOf(problems: readonly Problem[]): Leftovers {
  const groups = new Map<string, LeftoverGroup>()
  let recoverDir: string | undefined
  for (const problem of problems) {
    if (problem.recoverDir === undefined) continue
    const temp = problem.kind === 'temp-file'
    const dir = temp ? dirname(problem.path) : problem.recoverDir
    const group = groups.get(dir) ?? { dir, tempFiles: 0, unfinishedTransactions: 0 }
    if (temp) group.tempFiles++
    else group.unfinishedTransactions++
    groups.set(dir, group)
    recoverDir =
      recoverDir === undefined ? problem.recoverDir : commonAncestor(recoverDir, problem.recoverDir)
  }
  return { groups: [...groups.values()].sort((x, y) => (x.dir < y.dir ? -1 : 1)), recoverDir }
}

/** A path as one shell word. */
export function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`
}
