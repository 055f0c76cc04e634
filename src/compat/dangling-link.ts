import { nodeFs } from '../fs/node-fs.js'

/**
 * True when a write to `path` failed with `ENOENT` because `path` is a symlink whose target cannot be
 * created (its directory is missing). Following the link cannot succeed there; write-file-atomic and
 * steno replace the link with a regular file, and their faces then do the same (`symlinks:
 * 'replace'`) instead of failing. Checked only after such a failure, so a normal write pays nothing.
 */
export function isLinkIntoMissingDir(err: unknown, path: string): boolean {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return false
  const fs = nodeFs()
  try {
    if (!fs.lstatSync(path).isSymbolicLink()) return false
  } catch {
    return false
  }
  try {
    fs.statSync(path)
    return false
  } catch (statErr) {
    return (statErr as NodeJS.ErrnoException).code === 'ENOENT'
  }
}
