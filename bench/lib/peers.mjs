// What users pick today, wrapped to one shape, each labelled with what it guarantees.
import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { writeFile as fsWriteFilePromise } from 'node:fs/promises'
import * as atomically from 'atomically'
import { Writer as StenoWriter } from 'steno'
import writeFileAtomic from 'write-file-atomic'

export { StenoWriter }

/** Guarantee labels, shown beside each implementation in the tables. */
export const LABELS = {
  durableWrite: 'durable-write (fsync + dir fsync)',
  raw: 'raw-durable (floor: fsync + dir fsync)',
  wfa: 'write-file-atomic (fsync, no dir fsync)',
  atomically: 'atomically (fsync, no dir fsync)',
  fsWriteFile: 'fs.writeFile (not atomic, no fsync)',
  steno: 'steno (coalescing, no fsync)',
}

/** write-file-atomic with its defaults (fsync on). */
export const wfa = (path, data) => writeFileAtomic(path, data)
/** write-file-atomic's sync API with its defaults. */
export const wfaSync = (path, data) => writeFileAtomic.sync(path, data)
/** atomically with its defaults (fsync on, waited for). */
export const atomicallyWrite = (path, data) => atomically.writeFile(path, data)
/** atomically's sync API. */
export const atomicallyWriteSync = (path, data) => atomically.writeFileSync(path, data)
/** Plain fs.writeFile: truncates in place, no fsync. */
export const plainWrite = (path, data) => fsWriteFilePromise(path, data)
/** Plain fs.writeFileSync. */
export const plainWriteSync = (path, data) => fsWriteFileSync(path, data)
