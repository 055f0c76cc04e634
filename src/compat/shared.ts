import { AtomicWriter } from '../atomic-writer.js'
import { invalidArgType, invalidArgValue } from '../errors.js'

let writer: AtomicWriter | undefined

/**
 * The writer behind the faces of write-file-atomic and steno, created on first use. Like those
 * libraries it does not create missing parent directories: a missing one fails with `ENOENT`.
 */
export function compatWriter(): AtomicWriter {
  writer ??= new AtomicWriter({ mkdirs: false })
  return writer
}

/** The mode a new file gets from `open(path, flags, 0o666)`: `0o666 & ~umask`. */
export function defaultFileMode(): number {
  let umask = 0o022
  try {
    umask = process.umask()
  } catch {
    // Worker threads cannot read the umask; 0o022 is the common one.
  }
  return 0o666 & ~umask
}

/**
 * A `mode` option as the originals take it: a number, an octal string (`'644'`), or `false` for the
 * default permissions of a new file. `undefined` keeps the existing file's mode.
 */
export function modeOption(mode: unknown): number | undefined {
  if (mode === undefined || mode === null) return undefined
  if (mode === false) return defaultFileMode()
  if (typeof mode === 'string') {
    if (!/^(0o)?[0-7]{1,4}$/.test(mode))
      throw invalidArgValue('options.mode', 'an octal string such as "644"', mode)
    return Number.parseInt(mode.replace(/^0o/, ''), 8)
  }
  // A full st_mode (from fs.stat) is accepted, as chmod takes it: only the permission bits count.
  if (typeof mode === 'number') return Number.isInteger(mode) && mode >= 0 ? mode & 0o7777 : mode
  throw invalidArgType('options.mode', 'a number, an octal string or false', mode)
}

/** An `encoding` option where `null` means the default, as the originals take it. */
export function encodingOption(encoding: unknown): BufferEncoding | undefined {
  return encoding === null || encoding === undefined ? undefined : (encoding as BufferEncoding)
}

/**
 * Wraps a user callback so that what it returns is not waited for (the originals' synchronous forms
 * ignore it). Anything but a function passes through, for the option check to reject.
 */
export function notWaitedFor(fn: unknown): unknown {
  if (typeof fn !== 'function') return fn
  return (tempPath: string) => {
    fn(tempPath)
  }
}
