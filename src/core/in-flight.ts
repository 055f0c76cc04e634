import { basename } from 'node:path'

/**
 * The temps this thread is writing right now, by base name. A temp that names this very thread but is
 * not here was abandoned (its write failed and so did its cleanup): sweeps and `recover` may remove it
 * at once. Kept on `globalThis` so that every copy of the library loaded in one thread (ESM and CJS)
 * shares it.
 */
const KEY = Symbol.for('durable-write.temps-in-flight')

function registry(): Set<string> {
  const g = globalThis as { [KEY]?: Set<string> }
  g[KEY] ??= new Set()
  return g[KEY]
}

/** Marks the temp at `path` as being written by this thread. */
export function beginTemp(path: string): void {
  registry().add(basename(path))
}

/** The temp at `path` is renamed, removed or left behind: this thread no longer uses it. */
export function endTemp(path: string): void {
  registry().delete(basename(path))
}

/** True while this thread is writing the temp named `name`. */
export function isTempInFlight(name: string): boolean {
  return registry().has(name)
}
