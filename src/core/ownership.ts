import type { Stats } from 'node:fs'

/** Mode and owner the new file gets. */
export interface Ownership {
  mode: number
  /** Owner to set with fchown; undefined when the new file already gets the right one. */
  chown: { uid: number; gid: number } | undefined
}

function processUmask(): number {
  try {
    return process.umask()
  } catch {
    // Worker threads cannot read the umask.
    return 0o022
  }
}

/** True when the process may change owners freely (root on POSIX). */
export function isRoot(): boolean {
  return typeof process.geteuid === 'function' && process.geteuid() === 0
}

/**
 * Mode: the option, else the existing file's, else `0o666 & ~umask` (like fs.writeFile).
 * Owner: the option, else the existing file's when it differs from the writing process's.
 */
export function ownershipFor(
  existing: Stats | undefined,
  mode: number | undefined,
  chown: { uid: number; gid: number } | false | undefined,
): Ownership {
  const finalMode = mode ?? (existing ? existing.mode & 0o7777 : 0o666 & ~processUmask())
  if (chown === false) return { mode: finalMode, chown: undefined }
  if (chown) return { mode: finalMode, chown }
  if (!existing || typeof process.geteuid !== 'function') return { mode: finalMode, chown: undefined }
  const same = existing.uid === process.geteuid() && existing.gid === process.getegid?.()
  return { mode: finalMode, chown: same ? undefined : { uid: existing.uid, gid: existing.gid } }
}
