import type { Stats } from 'node:fs'

/**
 * How the temp gets the new file's mode and owner. The temp is created with `create` (which the
 * umask may narrow, never widen), so it is never more permissive than the result; `chmod` and
 * `chown` run on the complete temp only when creation cannot give the result by itself.
 */
export interface Ownership {
  /** The mode passed to open(2) for the temp. */
  create: number
  /** Mode to set with fchmod once the temp is complete; undefined when `create` already yields it. */
  chmod: number | undefined
  /** Owner to set with fchown; undefined when the new file already gets the right one. */
  chown: { uid: number; gid: number } | undefined
}

/** True when the process may change owners freely (root on POSIX). */
export function isRoot(): boolean {
  return typeof process.geteuid === 'function' && process.geteuid() === 0
}

/**
 * Mode: the option, else the existing file's, else `0o666 & ~umask` (like fs.writeFile). The last one
 * needs no fchmod: the kernel applies the umask itself to a temp created with 0o666, and no one needs
 * to read the umask (process.umask() sets it to 0 for a moment, for every thread). A mode to keep or
 * given is set with fchmod, on a temp created with that mode, which the umask can only narrow.
 * Owner: the option, else the existing file's when it differs from the writing process's.
 */
export function ownershipFor(
  existing: Stats | undefined,
  mode: number | undefined,
  chown: { uid: number; gid: number } | false | undefined,
): Ownership {
  const wanted = mode ?? (existing ? existing.mode & 0o7777 : undefined)
  const create = wanted === undefined ? 0o666 : wanted & 0o777
  const owner = (() => {
    if (chown === false) return undefined
    if (chown) return chown
    if (!existing || typeof process.geteuid !== 'function') return undefined
    const same = existing.uid === process.geteuid() && existing.gid === process.getegid?.()
    return same ? undefined : { uid: existing.uid, gid: existing.gid }
  })()
  // Set after any change of owner, which clears set-user-ID and set-group-ID bits.
  return { create, chmod: wanted, chown: owner }
}
