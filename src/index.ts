export { readVersioned, readVersionedSync, writeFile, writeFileSync } from './api.js'
export { AtomicWriter, type ReadOptions } from './atomic-writer.js'
export type { Data, SyncData } from './core/data.js'
export type { Versioned } from './core/read.js'
export type { ChannelName } from './diagnostics.js'
export {
  AbortError,
  ConflictError,
  DurableWriteError,
  EncodingError,
  type ErrorCode,
  type ErrorDetails,
  OutsideRootError,
  SerializeError,
  ValidationError,
} from './errors.js'
export type { FsAsync, FsLike, FsMethod, FsSync } from './fs/fs-like.js'
export { nodeFs } from './fs/node-fs.js'
export { DEFAULTS, type Durability, type WriteOptions, type WriterOptions } from './options.js'
export type { OpCounts, WriteStats } from './stats.js'
export { type Version, versionOf } from './version.js'
