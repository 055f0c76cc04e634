import { basename, dirname } from 'node:path'
import { isTempName } from '../../src/core/temp-file.js'
import { contentAt, type MemState, walk } from './crash-state.js'

/** The invariants of RELIABILITY.md §2. */
export type Invariant = 'I1' | 'I2' | 'I3' | 'I4' | 'I5'

/** What the invariants say, for reports. */
export const INVARIANTS: Record<Invariant, string> = {
  I1: 'every target holds all-old or all-new content; a transaction’s targets together',
  I2: 'a call that returned before the crash has all its targets new',
  I3: 'no target ever holds torn content',
  I4: 'recovery is idempotent and survives its own crash',
  I5: 'after recovery no temp or manifest files remain; other files untouched',
}

/** A file the call changes: its content before and after (`null`: absent). */
export interface TargetSpec {
  path: string
  old: Buffer | null
  new: Buffer | null
}

/** What a call promises, and where its recovery looks. */
export interface Expectation {
  targets: readonly TargetSpec[]
  /** True for a transaction: its targets are all old or all new together. */
  together: boolean
  /** The directory `recover` scans for temp files. */
  root: string
  /** The journal recovery reads. */
  journalDir: string
  /**
   * Directories to run recovery from, each in turn (rotated from one crash state to the next): the
   * journal's directory, a target's directory, an ancestor. Default: `root` alone.
   */
  recoverFrom?: readonly string[] | undefined
}

/** One broken invariant, with the sentence that says how. */
export interface Finding {
  invariant: Invariant
  message: string
}

type Verdict = 'old' | 'new' | 'torn'

function same(a: Buffer | null | 'dir', b: Buffer | null): boolean {
  if (a === 'dir') return false
  return a === null || b === null ? a === b : a.equals(b)
}

function show(content: Buffer | null | 'dir'): string {
  if (content === null) return 'nothing (missing)'
  if (content === 'dir') return 'a directory'
  const text = content.subarray(0, 40).toString('utf8').replace(/\n/g, '\\n')
  return `${content.byteLength} bytes "${text}${content.byteLength > 40 ? '…' : ''}"`
}

function verdicts(
  state: MemState,
  exp: Expectation,
): { target: TargetSpec; verdict: Verdict; content: string }[] {
  return exp.targets.map((target) => {
    const content = contentAt(state, target.path)
    const verdict = same(content, target.new) ? 'new' : same(content, target.old) ? 'old' : 'torn'
    return { target, verdict, content: show(content) }
  })
}

/** I3 on a state nobody has recovered yet: every target is its old or its new content. */
export function checkTorn(state: MemState, exp: Expectation): Finding | undefined {
  const torn = verdicts(state, exp).find((v) => v.verdict === 'torn')
  if (!torn) return undefined
  return {
    invariant: 'I3',
    message: `${torn.target.path} holds ${torn.content}, neither its old (${show(torn.target.old)}) nor its new content (${show(torn.target.new)}).`,
  }
}

function isAncestorOrSelf(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`)
}

/** I5: no leftover temp or manifest, every other file and directory as it was. */
function checkLeftovers(state: MemState, exp: Expectation, initial: MemState): Finding | undefined {
  const targets = new Set(exp.targets.map((t) => t.path))
  const before = walk(initial)
  const after = walk(state)
  const allowedDirs = [exp.journalDir, ...exp.targets.map((t) => dirname(t.path))]
  for (const [path, content] of after) {
    if (targets.has(path)) continue
    const was = before.get(path)
    if (content === 'dir') {
      if (was === 'dir' || allowedDirs.some((d) => isAncestorOrSelf(path, d))) continue
      return { invariant: 'I5', message: `The directory ${path} appeared, outside the call's targets.` }
    }
    if (was !== undefined && was !== 'dir' && was.equals(content)) continue
    const kind = isTempName(basename(path))
      ? 'A temp file'
      : path.endsWith('.manifest')
        ? 'A manifest'
        : was === undefined
          ? 'A file outside the call'
          : 'A file outside the call, changed:'
    return { invariant: 'I5', message: `${kind} ${path} remains after recovery (${show(content)}).` }
  }
  for (const [path, content] of before) {
    // Recovery removes a journal directory it leaves empty (the next transaction makes it again).
    if (path === exp.journalDir && content === 'dir') continue
    if (!targets.has(path) && !after.has(path)) {
      return {
        invariant: 'I5',
        message: `${path} (${content === 'dir' ? 'a directory' : 'a file'}) outside the call is gone.`,
      }
    }
  }
  return undefined
}

/** I1, I2, I3 and I5 on a recovered state. `returned`: the call had returned before the crash. */
export function checkRecovered(
  state: MemState,
  exp: Expectation,
  returned: boolean,
  initial: MemState,
): Finding | undefined {
  const torn = checkTorn(state, exp)
  if (torn) return torn
  const vs = verdicts(state, exp)
  if (returned) {
    const old = vs.find((v) => v.verdict !== 'new')
    if (old) {
      return {
        invariant: 'I2',
        message: `The call had returned, yet after recovery ${old.target.path} holds its old content (${old.content}).`,
      }
    }
  }
  if (exp.together && new Set(vs.map((v) => v.verdict)).size > 1) {
    const list = vs.map((v) => `${v.target.path}: ${v.verdict}`).join(', ')
    return { invariant: 'I1', message: `After recovery the transaction is half applied (${list}).` }
  }
  return checkLeftovers(state, exp, initial)
}
