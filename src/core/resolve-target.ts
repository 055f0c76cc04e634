import type { Stats } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { OutsideRootError } from '../errors.js'
import type { Steps } from '../steps/op.js'
import { ignoring, lstat, readlink, realpath } from '../steps/vocabulary.js'
import { isInside, toAbsolutePath } from './paths.js'
import { systemError } from './system-error.js'

/** The file a write really goes to. */
export interface Target {
  /** Absolute path written (a symlink's final target under `symlinks: 'follow'`). */
  path: string
  dir: string
  /** lstat of `path`; undefined when nothing is there. */
  stat: Stats | undefined
  /** The file whose mode and owner the result inherits (not a symlink being replaced). */
  inherit: Stats | undefined
}

const MAX_LINK_HOPS = 40

/** lstat that reports a missing file as `undefined`. */
export function lstatIfExists(path: string): Steps<Stats | undefined> {
  return ignoring(lstat(path), ['ENOENT'], undefined)
}

/** Follows a chain of symlinks to the final path, which may not exist yet (a dangling link is written through). */
function* followLinks(path: string, stat: Stats): Steps<{ path: string; stat: Stats | undefined }> {
  let current = path
  let st: Stats | undefined = stat
  for (let hops = 0; st?.isSymbolicLink(); hops++) {
    if (hops === MAX_LINK_HOPS) throw systemError('ELOOP', 'open', path)
    current = resolve(dirname(current), yield* readlink(current))
    st = yield* lstatIfExists(current)
  }
  return { path: current, stat: st }
}

/** Real path of `p`, resolving the deepest existing ancestor (the rest does not exist yet). */
export function* realpathOfPrefix(p: string): Steps<string> {
  const missing: string[] = []
  let current = p
  for (;;) {
    const real = yield* ignoring(realpath(current), ['ENOENT'], undefined)
    if (real !== undefined) return join(real, ...missing.reverse())
    const parent = dirname(current)
    if (parent === current) return p
    missing.push(basename(current))
    current = parent
  }
}

/**
 * Fails with `ERR_OUTSIDE_ROOT` unless `path` stays inside `root`, lexically and after resolving the
 * symlinks of its directories. A symlink in the last component is the caller's to judge: it is either
 * replaced (`symlinks: 'replace'`) or followed and the result checked again.
 */
export function* checkRootOfDirs(path: string, root: string | URL): Steps<void> {
  const rootAbs = toAbsolutePath(root, 'options.root')
  const outside = () =>
    new OutsideRootError(
      `The path ${path} resolves outside the allowed root ${rootAbs}; it was neither read nor written, and nothing was created. Use a path inside the root.`,
      {
        path,
        root: rootAbs,
      },
    )
  if (!isInside(rootAbs, path)) throw outside()
  const rootReal = yield* realpath(rootAbs)
  const real = join(yield* realpathOfPrefix(dirname(path)), basename(path))
  if (!isInside(rootReal, real)) throw outside()
}

/**
 * Fails with `ERR_OUTSIDE_ROOT` unless `path` stays inside `root`, lexically and after resolving every
 * symlink a read of it would follow: those of its directories and, when the last component is a
 * symlink, the whole chain it leads to. For reads, locks, and anything else done before a write's own
 * check; a missing path is judged by its deepest existing ancestor.
 */
export function* checkRoot(path: string, root: string | URL): Steps<void> {
  yield* checkRootOfDirs(path, root)
  const stat = yield* lstatIfExists(path)
  if (!stat?.isSymbolicLink()) return
  const final = yield* followLinks(path, stat)
  yield* checkRootOfDirs(final.path, root)
}

/**
 * The check a call makes before it locks, creates or reads anything: none without `root`; a write
 * that replaces a symlink (`symlinks: 'replace'`) need not follow it, everything else does.
 */
export function* checkAccess(
  path: string,
  options: { symlinks: 'follow' | 'replace'; root: string | URL | undefined },
  access: 'read' | 'write',
): Steps<void> {
  if (options.root === undefined) return
  if (access === 'write' && options.symlinks === 'replace') yield* checkRootOfDirs(path, options.root)
  else yield* checkRoot(path, options.root)
}

/**
 * Resolves where a write goes: symlink policy, root confinement, and what exists there now.
 * One lstat in the common case (no root, no symlink).
 */
export function* resolveTarget(
  absPath: string,
  options: { symlinks: 'follow' | 'replace'; root: string | URL | undefined },
): Steps<Target> {
  if (options.root !== undefined) yield* checkRootOfDirs(absPath, options.root)
  let path = absPath
  let stat = yield* lstatIfExists(absPath)
  let inherit = stat
  if (stat?.isSymbolicLink()) {
    if (options.symlinks === 'follow') {
      ;({ path, stat } = yield* followLinks(absPath, stat))
      inherit = stat
      if (options.root !== undefined) yield* checkRootOfDirs(path, options.root)
    } else {
      inherit = undefined
    }
  }
  if (stat?.isDirectory()) throw systemError('EISDIR', 'open', path)
  return { path, dir: dirname(path), stat, inherit }
}
