import { getSystemErrorMap } from 'node:util'

/** An error shaped exactly like the ones node:fs throws, for conditions detected before the system call. */
export function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  let errno = 0
  let message = code
  for (const [num, [name, text]] of getSystemErrorMap()) {
    if (name === code) {
      errno = num
      message = text
      break
    }
  }
  const err = new Error(`${code}: ${message}, ${syscall} '${path}'`) as NodeJS.ErrnoException
  err.errno = errno
  err.code = code
  err.syscall = syscall
  err.path = path
  return err
}
