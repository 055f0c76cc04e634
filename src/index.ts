import type { WriterCore as WriterCoreClass } from './core/writer-core.js'

export {
  batchWrite,
  checkpoint,
  createWriteStream,
  multiEdit,
  multiEditSync,
  queue,
  readJson,
  readJsonSync,
  readVersioned,
  readVersionedSync,
  recover,
  safeWriteJson,
  safeWriteJsonSync,
  safeWriteMd,
  safeWriteMdSync,
  update,
  updateJson,
  withLock,
  writeFile,
  writeFileSync,
  writeTransaction,
} from './api.js'

export { AtomicWriter, type ReadOptions, type WithLockOptions } from './atomic-writer.js'
export type { BackupOptions } from './core/backup.js'
export type { Data, SyncData } from './core/data.js'
export type { LockOptions, RetryOptions } from './core/file-lock.js'
export type { Versioned } from './core/read.js'
export type { ChannelName } from './diagnostics.js'
export { EditError, type EditErrorCode, type MatchInfo, type NearMatch } from './edit/edit-error.js'
export type { Tolerated } from './edit/tolerant.js'
export type {
  AppliedEdit,
  BomOption,
  Edit,
  EditOptions,
  EditResult,
  EolOption,
  MatchMode,
} from './edit/types.js'
export {
  AbortError,
  BatchPartialError,
  ConflictError,
  DurableWriteError,
  EncodingError,
  type ErrorCode,
  type ErrorDetails,
  LockCompromisedError,
  LockedError,
  LockReentrantError,
  OutsideRootError,
  ParseError,
  SerializeError,
  TxnIncompleteError,
  ValidationError,
} from './errors.js'
export type { JsonOptions, JsonRead, JsonReplacer, ReadJsonOptions } from './formats/json.js'
export type { TextOptions } from './formats/markdown.js'
export type { FsAsync, FsLike, FsMethod, FsSync } from './fs/fs-like.js'
export { nodeFs } from './fs/node-fs.js'
export { DEFAULTS, type Durability, type WriteOptions, type WriterOptions } from './options.js'
export {
  type QueueStats,
  type QueueWriteOptions,
  WriteQueue,
  type WriteQueueOptions,
} from './queue/write-queue.js'
export type { OpCounts, WriteStats } from './stats.js'
export { AtomicWriteStream } from './stream/atomic-write-stream.js'
export type { BatchEntry, BatchOptions, BatchStats } from './txn/batch.js'
export type { Checkpoint } from './txn/checkpoint.js'
export type { RecoveryConflict, RecoveryReport } from './txn/recover.js'
export type { RecoverOptions } from './txn/recover-dir.js'
export type { TxOptions, TxStats } from './txn/run-transaction.js'
export type { Transaction } from './txn/transaction.js'
export { type Version, versionOf } from './version.js'

// A class that is a type only is re-exported as an alias: the bundled declarations would export
// `export type { WriterCore }` as a value, which the runtime does not have. (It stays a class in
// the declarations because `AtomicWriter` extends it.)

/**
 * Holds the defaults and shared state of a writer (fs seam, per-path queues, directory group
 * commit): the base of `AtomicWriter`. A type only; create writers with `new AtomicWriter()`.
 */
export type WriterCore = WriterCoreClass
