import { basename, relative } from 'node:path'
import { isInside } from '../core/paths.js'

/** How a diff header names a file: relative to the working directory when inside it, else its base name. */
export function diffName(path: string): string {
  let cwd: string
  try {
    cwd = process.cwd()
  } catch {
    return basename(path)
  }
  return isInside(cwd, path) && path !== cwd ? relative(cwd, path).split('\\').join('/') : basename(path)
}
