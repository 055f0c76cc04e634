import { join } from 'node:path'
import type { Steps } from '../steps/op.js'
import { lstat, readdir, unlink } from '../steps/vocabulary.js'
import { isTempName, isTransactionTemp } from './temp-file.js'
import { defaultTempLiveness, type TempLiveness } from './temp-liveness.js'
import { isForeign } from './trusted-owner.js'

/** Options of {@link sweepDeadTemps}. */
export interface SweepOptions {
  /**
   * Also remove dead temps whose names say they belong to a transaction. A committed transaction's
   * temps are still needed to roll it forward, so only recovery, which knows the manifests, sets this.
   * @default false
   */
  transactions?: boolean | undefined
}

/**
 * Removes the temp files in `dir` (not below it) that `judge` calls dead: only regular files whose
 * names are temp names, never through a symlink. Returns how many it removed. Every error of its own
 * is swallowed (a sweep is housekeeping; it never fails the call that runs it).
 */
export function* sweepDeadTemps(
  dir: string,
  judge: TempLiveness = defaultTempLiveness,
  options: SweepOptions = {},
): Steps<number> {
  let names: string[]
  try {
    names = yield* readdir(dir)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    if (!isTempName(name) || (!options.transactions && isTransactionTemp(name))) continue
    const path = join(dir, name)
    try {
      const st = yield* lstat(path)
      if (!st.isFile() || isForeign(st) || judge(name, st.mtimeMs) !== 'dead') continue
      yield* unlink(path)
      removed++
    } catch {
      // Gone already (another sweeper), or not ours to remove: the next sweep tries again.
    }
  }
  return removed
}

/** At most one sweep per directory in this window. */
export const SWEEP_INTERVAL_MS = 60_000
/** Directories remembered per file system; the oldest are forgotten beyond this. */
export const SWEEP_MEMORY = 1000

/**
 * Rate limit of the sweeps that writes run: at most one per directory and file system per
 * `intervalMs`, so a write pays a readdir at most once a minute per directory. Remembers at most
 * `memory` directories per file system (forgetting one only allows an early sweep).
 */
export class SweepSchedule {
  readonly #last = new WeakMap<object, Map<string, number>>()
  readonly #intervalMs: number
  readonly #memory: number
  readonly #now: () => number

  constructor(options: { intervalMs?: number; memory?: number; now?: () => number } = {}) {
    this.#intervalMs = options.intervalMs ?? SWEEP_INTERVAL_MS
    this.#memory = options.memory ?? SWEEP_MEMORY
    this.#now = options.now ?? (() => performance.now())
  }

  /** True (and the sweep recorded) when `dir` on the file system `key` was not swept in the window. */
  due(key: object, dir: string): boolean {
    let dirs = this.#last.get(key)
    if (!dirs) {
      dirs = new Map()
      this.#last.set(key, dirs)
    }
    const now = this.#now()
    const last = dirs.get(dir)
    if (last !== undefined && now - last < this.#intervalMs) return false
    // Insertion order is sweep order: the first entries are the oldest.
    dirs.delete(dir)
    dirs.set(dir, now)
    for (const [old, at] of dirs) {
      if (dirs.size <= this.#memory && now - at < this.#intervalMs) break
      dirs.delete(old)
    }
    return true
  }
}

/** The schedule of every write in this process. */
export const writeSweeps: SweepSchedule = /* @__PURE__ */ new SweepSchedule()
