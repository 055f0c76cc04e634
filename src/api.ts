import { AtomicWriter } from './atomic-writer.js'

let shared: AtomicWriter | undefined

/** The writer behind the free functions, created on first use. */
export function defaultWriter(): AtomicWriter {
  shared ??= new AtomicWriter()
  return shared
}

/**
 * Atomically and durably replaces the file at `path` with `data`: temp file in the same directory →
 * write → fsync → rename → fsync the directory. Resolves with {@link WriteStats} once the new content
 * and its directory entry are on stable storage (in `'durable'` mode, the default).
 * @example
 * const stats = await writeFile('settings.json', JSON.stringify(settings))
 * console.log(stats.ops) // { writes: 1, fsyncs: 1, dirFsyncs: 1, renames: 1, ... }
 */
export const writeFile: AtomicWriter['writeFile'] = (path, data, options) =>
  defaultWriter().writeFile(path, data, options)

/** Synchronous {@link writeFile}: same protocol, same guarantees. Accepts every data form but async ones. */
export const writeFileSync: AtomicWriter['writeFileSync'] = (path, data, options) =>
  defaultWriter().writeFileSync(path, data, options)

/**
 * Reads a file with its version, for a later compare-and-swap with `ifMatch`.
 * @example
 * const { content, version } = await readVersioned('a.txt', { encoding: 'utf8' })
 */
export const readVersioned: AtomicWriter['readVersioned'] = ((path: string | URL, options?: object) =>
  defaultWriter().readVersioned(path, options)) as AtomicWriter['readVersioned']

/** Synchronous {@link readVersioned}. */
export const readVersionedSync: AtomicWriter['readVersionedSync'] = ((path: string | URL, options?: object) =>
  defaultWriter().readVersionedSync(path, options)) as AtomicWriter['readVersionedSync']
