/**
 * The one declaration of every API's option names and defaults. Validation derives from it (an
 * option name not declared here is refused, naming the closest declared one), the `*_DEFAULTS`
 * objects are read from it, and `scripts/options-table.ts` renders the README's tables from it.
 * @module
 */

/** One option: its default (absent when there is none or it is computed) and a line of documentation. */
export interface OptionInfo {
  /** The value `undefined` stands for; absent when there is no default or it depends on the call. */
  readonly default?: unknown
  /** The default as the docs show it, when it is not a plain value (`'the existing file's mode'`). */
  readonly shown?: string
  /** What the option does, in one sentence. */
  readonly doc: string
}

/** The options of one API (or of one nested options object), by name. */
export type OptionSpec = Readonly<Record<string, OptionInfo>>

/** The declared defaults of a spec, as a plain object (tinyglobby's `defaultOptions`). */
export type DefaultsOf<S extends OptionSpec> = {
  -readonly [K in keyof S as S[K] extends { default: unknown } ? K : never]: S[K] extends {
    default: infer D
  }
    ? D
    : never
}

/** Reads the defaults out of a spec. */
export function defaultsOf<S extends OptionSpec>(spec: S): DefaultsOf<S> {
  const out: Record<string, unknown> = {}
  for (const [name, info] of Object.entries(spec)) if ('default' in info) out[name] = info.default
  return out as DefaultsOf<S>
}

/** `WriteOptions`: every write API accepts them. */
export const WRITE_SPEC = {
  encoding: { default: 'utf8', doc: 'Encoding of string data.' },
  durability: {
    default: 'durable',
    doc: "`'durable'`: fsync the temp file, rename, fsync the directory. `'fast'`: temp + rename, no fsync (atomic against a process crash, not power loss).",
  },
  mode: {
    shown: 'existing, else 0o666 & ~umask',
    doc: 'File mode of the result, 0o000–0o777 (setuid, setgid and sticky bits only as inherited from the existing file).',
  },
  chown: {
    shown: 'existing owner where permitted',
    doc: '`{ uid, gid }`, or `false` to leave the owner to the writing user.',
  },
  mkdirs: { default: true, doc: 'Create missing parent directories (durably in durable mode).' },
  skipUnchanged: {
    default: false,
    doc: 'When the target already holds exactly these bytes, write nothing (`changed: false`).',
  },
  ifMatch: {
    doc: 'A version from `readVersioned`/`versionOf`: fail with `ERR_CONFLICT` unless the current content has it.',
  },
  ifNoneMatch: { doc: "`'*'`: fail with `ERR_CONFLICT` if the target exists (create-only)." },
  lock: {
    default: false,
    doc: '`true` or `LockOptions`: hold the cross-process lock on the target for the write.',
  },
  root: {
    doc: 'Directory every path must stay inside, after resolving `..` and symlinks; else `ERR_OUTSIDE_ROOT`.',
  },
  symlinks: {
    default: 'follow',
    doc: "`'follow'`: write to a link's target and keep the link. `'replace'`: replace the link itself.",
  },
  validate: {
    doc: '`(bytes) => void | boolean | Promise<…>`: throwing or returning `false` aborts with `ERR_VALIDATION`, target untouched.',
  },
  backup: { doc: '`true` or `BackupOptions` `{ dir?, keep? }`: keep previous versions.' },
  signal: { doc: 'An `AbortSignal`: aborting before the rename leaves the target untouched (`ABORT_ERR`).' },
  onTempFile: { doc: "Called with the temp file's path as soon as it exists." },
  fs: { doc: 'An `FsLike` to use instead of the real file system.' },
} as const satisfies OptionSpec

/** `RetryOptions` of a lock (the `retry` package's). */
export const RETRY_SPEC = {
  retries: { default: 100, doc: 'How many times to retry.' },
  factor: { default: 1.3, doc: 'Growth factor of the wait between retries.' },
  minTimeout: { default: 5, doc: 'First wait, in milliseconds.' },
  maxTimeout: { default: 200, doc: 'Longest wait, in milliseconds.' },
  randomize: { default: true, doc: 'Multiply each wait by a random factor from 1 to 2.' },
} as const satisfies OptionSpec

/** `LockOptions`: the cross-process lock's. */
export const LOCK_SPEC = {
  stale: {
    default: 10_000,
    doc: 'Milliseconds (at least 2000) after which a lock whose holder cannot be judged alive is taken over.',
  },
  retries: {
    default: defaultsOf(RETRY_SPEC),
    shown: 'about 18 s: 100 retries, 5 ms growing ×1.3 to 200 ms',
    doc: 'How long to keep trying while another process holds the lock: a count or `RetryOptions`.',
  },
  onCompromised: {
    doc: 'Called when the lock is lost while held; the operation still fails with `ERR_LOCK_COMPROMISED`.',
  },
} as const satisfies OptionSpec

/** `BackupOptions`. */
export const BACKUP_SPEC = {
  dir: { shown: '`.durable-write/backups` beside the target', doc: 'Directory of the backups.' },
  keep: { default: 10, doc: 'How many previous versions to keep per file.' },
} as const satisfies OptionSpec

/** The `chown` object. */
export const CHOWN_SPEC = {
  uid: { doc: 'User id.' },
  gid: { doc: 'Group id.' },
} as const satisfies OptionSpec

/** What `safeWriteJson` (and `updateJson`, `tx.writeJson`) adds to the write options. */
export const JSON_SPEC = {
  space: { default: 2, doc: 'Indentation, as for JSON.stringify: a number of spaces or a string.' },
  stable: { default: false, doc: 'Sort the keys of every object; indentation is still honoured.' },
  replacer: { default: null, doc: 'As for JSON.stringify: a function or an array of keys.' },
  finalNewline: { default: true, doc: 'End the file with a newline.' },
  stream: {
    default: 'auto',
    doc: "Serialize incrementally with bounded memory: `true`, `false`, or `'auto'` (by size).",
  },
} as const satisfies OptionSpec

/** What `safeWriteMd` (and `tx.writeMd`) adds to the write options. */
export const TEXT_SPEC = {
  eol: {
    default: 'preserve',
    doc: "Line endings: `'preserve'` (those of the file being replaced), `'lf'` or `'crlf'`.",
  },
  finalNewline: {
    default: 'preserve',
    doc: "`'preserve'`: end with a newline when the replaced file did; `'ensure'`: always.",
  },
  bom: { default: 'preserve', doc: "UTF-8 byte order mark: `'preserve'`, `'add'` or `'strip'`." },
} as const satisfies OptionSpec

/** What `multiEdit` (and `tx.edit`) adds to the write options; its `encoding` replaces the write one. */
export const EDIT_SPEC = {
  dryRun: { default: false, doc: 'Compute the result and the diff, write nothing.' },
  eol: { default: 'preserve', doc: "Line endings of the result: `'preserve'`, `'lf'` or `'crlf'`." },
  bom: { default: 'preserve', doc: "Byte order mark: `'preserve'`, `'add'` or `'strip'`." },
  encoding: {
    default: 'auto',
    doc: "`'auto'` (UTF-8, or UTF-16 by BOM) or a Buffer encoding such as `'latin1'`.",
  },
  match: {
    default: 'exact',
    doc: "`'exact'`, or `'tolerant'`: an oldString that differs from one region only in what a hint names applies there.",
  },
} as const satisfies OptionSpec

/** `readVersioned`'s. */
export const READ_SPEC = {
  encoding: { doc: 'Decode the content as text; omit to get a Buffer.' },
  root: {
    shown: "the writer's `root`",
    doc: 'Directory the path must stay inside; else `ERR_OUTSIDE_ROOT`.',
  },
} as const satisfies OptionSpec

/** `readJson`'s. */
export const READ_JSON_SPEC = {
  default: { doc: 'Returned (with version `null`) when the file does not exist.' },
  root: READ_SPEC.root,
} as const satisfies OptionSpec

/** `withLock`'s: the lock's, the root and an abort signal. */
export const WITH_LOCK_SPEC = {
  ...LOCK_SPEC,
  root: {
    shown: "the writer's `root`",
    doc: 'Directory the path must stay inside; else `ERR_OUTSIDE_ROOT` before any lock is made.',
  },
  signal: { doc: 'An `AbortSignal`: aborted before `fn` runs, the call fails with `ABORT_ERR`.' },
} as const satisfies OptionSpec

/**
 * `update`'s: the write options, with the lock it always takes configured either as `lock:
 * LockOptions` or by the lock options themselves (`{ retries: 0 }`), which win over `lock`'s.
 */
export const UPDATE_SPEC = {
  ...WRITE_SPEC,
  lock: {
    default: true,
    doc: '`true` or `LockOptions` of the lock the call always takes (`false` is refused).',
  },
  skipUnchanged: { default: true, doc: 'Write nothing when `fn` returns the current content.' },
  ...LOCK_SPEC,
} as const satisfies OptionSpec

/** `updateJson`'s: `update`'s, the JSON options and `default`. */
export const UPDATE_JSON_SPEC = {
  ...UPDATE_SPEC,
  ...JSON_SPEC,
  default: { doc: 'The value `fn` gets (a copy of it) when the file does not exist.' },
} as const satisfies OptionSpec

/** `writeTransaction`'s: defaults for every file, plus the journal's. */
export const TX_SPEC = {
  ...WRITE_SPEC,
  journalDir: {
    shown: '`.durable-write` in the common parent of the targets',
    doc: 'Where manifests are journaled; its parent must hold every file of the transaction.',
  },
  concurrency: { shown: 'the libuv pool size', doc: 'How many files are prepared at once.' },
  lock: { doc: '`LockOptions` of the journal lock that serializes transactions across processes.' },
} as const satisfies OptionSpec

/** `batchWrite`'s: a transaction's, plus `atomic`. */
export const BATCH_SPEC = {
  ...TX_SPEC,
  atomic: {
    default: true,
    doc: '`true`: one transaction, all or nothing across a crash. `false`: each file on its own (`ERR_BATCH_PARTIAL`).',
  },
} as const satisfies OptionSpec

/** The keys of one batch entry. */
export const BATCH_ENTRY_SPEC = {
  path: { doc: 'The file to write.' },
  data: { doc: 'Its content (any `Data`).' },
  options: { doc: "`WriteOptions` for this file, over the batch's." },
} as const satisfies OptionSpec

/** `tx.read`'s. */
export const TX_READ_SPEC = {
  encoding: { doc: 'Decode the content as text; omit to get a Buffer.' },
} as const satisfies OptionSpec

/** `recover`'s. */
export const RECOVER_SPEC = {
  journalDir: { doc: 'A custom journal to recover besides those found from `dir`.' },
  root: {
    shown: "the writer's `root`",
    doc: 'Directory recovery must stay inside: no journal above it is looked for.',
  },
  fs: WRITE_SPEC.fs,
} as const satisfies OptionSpec

/** `checkpoint`'s. */
export const CHECKPOINT_SPEC = {
  dir: {
    shown: '`.durable-write/checkpoints` in the common parent of the paths',
    doc: 'Where the copies are kept.',
  },
} as const satisfies OptionSpec

/** `new WriteQueue(options)`'s. */
export const QUEUE_SPEC = {
  delayMs: { default: 0, doc: 'Wait this long after the latest write to a path before writing it.' },
  maxDelayMs: { shown: '10 × delayMs', doc: 'A path with pending data is never delayed longer than this.' },
  durability: WRITE_SPEC.durability,
  concurrency: { default: 4, doc: 'At most this many paths are written at once.' },
  fs: WRITE_SPEC.fs,
  writer: { shown: 'a new one', doc: 'The `AtomicWriter` to write with.' },
} as const satisfies OptionSpec

/** `queue.write`'s. */
export const QUEUE_WRITE_SPEC = {
  priority: {
    default: 'normal',
    doc: "`'high'` skips the delay and goes ahead of normal paths waiting for a slot.",
  },
} as const satisfies OptionSpec

/** Every API's options, by the name users call it with, for the option check and the README tables. */
export const API_OPTIONS = {
  writeFile: WRITE_SPEC,
  createWriteStream: WRITE_SPEC,
  AtomicWriter: WRITE_SPEC,
  readVersioned: READ_SPEC,
  safeWriteJson: { ...WRITE_SPEC, ...JSON_SPEC },
  readJson: READ_JSON_SPEC,
  safeWriteMd: { ...WRITE_SPEC, ...TEXT_SPEC },
  withLock: WITH_LOCK_SPEC,
  update: UPDATE_SPEC,
  updateJson: UPDATE_JSON_SPEC,
  multiEdit: { ...WRITE_SPEC, ...EDIT_SPEC },
  batchWrite: BATCH_SPEC,
  writeTransaction: TX_SPEC,
  recover: RECOVER_SPEC,
  checkpoint: CHECKPOINT_SPEC,
  WriteQueue: QUEUE_SPEC,
  'queue.write': QUEUE_WRITE_SPEC,
  'tx.read': TX_READ_SPEC,
  LockOptions: LOCK_SPEC,
  RetryOptions: RETRY_SPEC,
  BackupOptions: BACKUP_SPEC,
} as const satisfies Record<string, OptionSpec>
