import { AtomicWriter } from './atomic-writer.js'
import { WriteQueue } from './queue/write-queue.js'

let shared: AtomicWriter | undefined

/** The writer behind the free functions, created on first use. */
export function defaultWriter(): AtomicWriter {
  shared ??= new AtomicWriter()
  return shared
}

type Method = {
  [K in keyof AtomicWriter]: AtomicWriter[K] extends (...args: never[]) => unknown ? K : never
}[keyof AtomicWriter]

/** A free function that calls `name` on the default writer, with the method's exact signature. */
function onDefault<K extends Method>(name: K): AtomicWriter[K] {
  return ((...args: unknown[]) =>
    (defaultWriter()[name] as (...a: unknown[]) => unknown)(...args)) as AtomicWriter[K]
}

/**
 * Atomically and durably replaces the file at `path` with `data`: temp file in the same directory →
 * write → fsync → rename → fsync the directory. Resolves with WriteStats once the new content and its
 * directory entry are on stable storage (in `'durable'` mode, the default).
 * @example
 * const stats = await writeFile('settings.json', JSON.stringify(settings))
 * console.log(stats.ops) // { writes: 1, fsyncs: 1, dirFsyncs: 1, renames: 1, ... }
 */
export const writeFile = onDefault('writeFile')

/** Synchronous {@link writeFile}: same protocol, same guarantees. Accepts every data form but async ones. */
export const writeFileSync = onDefault('writeFileSync')

/**
 * Reads a file with its version, for a later compare-and-swap with `ifMatch`.
 * @example
 * const { content, version } = await readVersioned('a.txt', { encoding: 'utf8' })
 */
export const readVersioned = onDefault('readVersioned')

/** Synchronous {@link readVersioned}. */
export const readVersionedSync = onDefault('readVersionedSync')

/**
 * Serializes a value as JSON and writes it atomically and durably (2-space indent, final newline).
 * @example
 * await safeWriteJson('config.json', config, { stable: true })
 */
export const safeWriteJson = onDefault('safeWriteJson')

/** Synchronous {@link safeWriteJson}. */
export const safeWriteJsonSync = onDefault('safeWriteJsonSync')

/**
 * Reads and parses a JSON file with its version (`ERR_PARSE` with line and column when corrupt).
 * @example
 * const { value, version } = await readJson('state.json', { default: {} })
 */
export const readJson = onDefault('readJson')

/** Synchronous {@link readJson}. */
export const readJsonSync = onDefault('readJsonSync')

/**
 * Writes Markdown or other text atomically, keeping the replaced file's line endings, final newline and BOM.
 * @example
 * await safeWriteMd('NOTES.md', '# Notes\n')
 */
export const safeWriteMd = onDefault('safeWriteMd')

/** Synchronous {@link safeWriteMd}. */
export const safeWriteMdSync = onDefault('safeWriteMdSync')

/**
 * A Writable that commits atomically when it ends; `'finish'` means committed.
 * @example
 * await pipeline(createReadStream('big.bin'), createWriteStream('copy.bin'))
 */
export const createWriteStream = onDefault('createWriteStream')

/**
 * Runs `fn` holding the cross-process lock on `path`.
 * @example
 * await withLock('db.json', async () => { ... })
 */
export const withLock = onDefault('withLock')

/**
 * Read-modify-write of a text file under the cross-process lock.
 * @example
 * await update('log.txt', (text = '') => text + 'line\n')
 */
export const update = onDefault('update')

/**
 * Read-modify-write of a JSON file under the cross-process lock; resolves with the stats and the new value.
 * @example
 * const { value } = await updateJson('counter.json', (c) => ({ n: c!.n + 1 }), { default: { n: 0 } })
 */
export const updateJson = onDefault('updateJson')

/**
 * Applies string edits to a text file, all or nothing (API for agent tooling).
 * @example
 * await multiEdit('app.ts', [{ oldString: 'a', newString: 'b' }])
 */
export const multiEdit = onDefault('multiEdit')

/** Synchronous {@link multiEdit}. */
export const multiEditSync = onDefault('multiEditSync')

/**
 * Writes many files, atomically together by default.
 * @example
 * await batchWrite([{ path: 'a', data: '1' }, { path: 'b', data: '2' }])
 */
export const batchWrite = onDefault('batchWrite')

/**
 * Commits the changes staged by `fn` together, atomically across a crash.
 * @example
 * await writeTransaction((tx) => { tx.writeFile('a', '1'); tx.remove('b') })
 */
export const writeTransaction = onDefault('writeTransaction')

/**
 * Completes or undoes interrupted transactions in `dir` and removes leftover temp files.
 * @example
 * await recover(process.cwd())
 */
export const recover = onDefault('recover')

/**
 * Captures files to restore later as one transaction.
 * @example
 * const cp = await checkpoint(['a.json'])
 */
export const checkpoint = onDefault('checkpoint')

let sharedQueue: WriteQueue | undefined

function defaultQueue(): WriteQueue {
  sharedQueue ??= new WriteQueue({ writer: defaultWriter() })
  return sharedQueue
}

/**
 * The process-wide coalescing WriteQueue (created on first use, on the default writer). It flushes
 * before the process exits normally.
 * @example
 * queue.write('state.json', JSON.stringify(state)) // on every change
 */
export const queue: Pick<WriteQueue, 'write' | 'flush' | 'close' | 'stats'> = {
  write: (path, data, options) => defaultQueue().write(path, data, options),
  flush: () => defaultQueue().flush(),
  close: () => defaultQueue().close(),
  get stats() {
    return defaultQueue().stats
  },
}
