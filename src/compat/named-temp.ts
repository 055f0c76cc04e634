import { basename, resolve } from 'node:path'
import { isTempName } from '../core/temp-file.js'
import type { FsLike } from '../fs/fs-like.js'

/** An fs seam that puts a write's temp file at a path the caller chose, and the callback to report it. */
export interface NamedTemp {
  /** The seam to pass as the `fs` option of the write. */
  readonly fs: FsLike
  /** Maps a temp path the protocol names to the caller's path (for `onTempFile`). */
  readonly nameOf: (tempPath: string) => string
}

/**
 * Wraps `base` so that the temp file of one write is created at `chosen` instead of durable-write's own
 * random name: the protocol is unchanged (O_EXCL, the result's mode, fsync, rename, directory fsync), only the
 * path differs. The temp is recognised by its name, opened with `'wx'`; its rename and unlink follow.
 * An existing file at `chosen` fails the write with `EEXIST`, as nothing may be clobbered.
 */
export function namedTemp(base: FsLike, chosen: string): NamedTemp {
  const path = resolve(chosen)
  const ours = new Set<string>()
  const isOurs = (p: string) => ours.has(p)
  const nameOf = (p: string) => (isOurs(p) ? path : p)
  const claim = (p: string, flags: string | number): string => {
    if (flags !== 'wx' || !isTempName(basename(p))) return p
    ours.add(p)
    return path
  }
  const fs: FsLike = Object.create(base)
  Object.assign(fs, {
    open: (p: string, flags: string | number, mode?: number) => base.open(claim(p, flags), flags, mode),
    openSync: (p: string, flags: string | number, mode?: number) =>
      base.openSync(claim(p, flags), flags, mode),
    rename: (from: string, to: string) => base.rename(nameOf(from), to),
    renameSync: (from: string, to: string) => base.renameSync(nameOf(from), to),
    unlink: (p: string) => base.unlink(nameOf(p)),
    unlinkSync: (p: string) => base.unlinkSync(nameOf(p)),
  })
  return { fs, nameOf }
}
