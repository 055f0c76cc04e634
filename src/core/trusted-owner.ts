import { DurableWriteError } from '../errors.js'

/**
 * Who may own what the library trusts on disk: its own directories (journals, backups, checkpoints),
 * the manifests in them and the temps it removes. On POSIX that is this process's effective user or
 * root — the rule sshd applies to the files it trusts. Anything else was put there by another user
 * (in a shared 0777/1777 directory, say) and is never acted on. Where ownership is not known (Windows,
 * a file system seam without uids) everything counts as trusted.
 */
export function isForeign(st: { uid?: number | undefined }): boolean {
  if (typeof process.geteuid !== 'function' || typeof st.uid !== 'number') return false
  return st.uid !== process.geteuid() && st.uid !== 0
}

/** `ERR_JOURNAL_CORRUPT` for the library-owned `path`, found owned by another user. */
export function foreignError(path: string, uid: number | undefined): DurableWriteError {
  return new DurableWriteError(
    'ERR_JOURNAL_CORRUPT',
    `${path} is owned by another user (uid ${uid}), but durable-write trusts its own files (journals, backups, checkpoints) only when they belong to the user it runs as or to root; nothing was touched. Remove it, or run as its owner.`,
    { path },
  )
}
