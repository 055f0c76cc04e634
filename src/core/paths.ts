import { isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { invalidArgType, invalidArgValue } from '../errors.js'

/** Checks a user path (string or file URL) and returns it absolute. */
export function toAbsolutePath(path: unknown, name = 'path'): string {
  let p: string
  if (path instanceof URL) {
    if (path.protocol !== 'file:') throw invalidArgValue(name, 'a file: URL', path.href, 'type')
    p = fileURLToPath(path)
  } else if (typeof path === 'string') {
    p = path
  } else {
    throw invalidArgType(name, 'a string or a file URL', path)
  }
  if (p.length === 0) throw invalidArgValue(name, 'a non-empty path', p, 'type')
  if (p.includes('\0')) throw invalidArgValue(name, 'a path without NUL bytes', p, 'type')
  return resolve(p)
}

/** True when absolute path `p` is `dir` or lies below it. */
export function isInside(dir: string, p: string): boolean {
  const rel = relative(dir, p)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}
