import { isSelf, isSelfThread, judgeWriter } from '../fs/proc.js'
import { isTempInFlight } from './in-flight.js'
import { writerOfTemp } from './temp-file.js'

/**
 * Decides whether the temp file `name` (last modified at `mtimeMs`, epoch milliseconds) may still be
 * in use by its writer. Only temps judged 'dead' are ever removed by a sweep.
 */
export type TempLiveness = (name: string, mtimeMs: number) => 'live' | 'dead'

/**
 * How long a temp whose writer cannot be judged (another host, another pid namespace, a platform
 * without /proc, a name of version 0.1) is presumed live: its writer keeps modifying it while it writes.
 */
export const UNKNOWN_WRITER_MAX_AGE_MS = 60 * 60 * 1000

/** Options of {@link tempLiveness}. */
export interface TempLivenessOptions {
  /**
   * What to call the temps of this very process. `'in-flight'`: the temps of this thread are live
   * while it is writing them and dead once it has abandoned them (a failed write whose cleanup failed
   * too); those of its other threads are live.
   * @default 'in-flight'
   */
  ownTemps?: 'live' | 'dead' | 'in-flight' | undefined
  /**
   * Age after which a temp of an unknown writer is dead, in milliseconds.
   * @default UNKNOWN_WRITER_MAX_AGE_MS (1 hour)
   */
  maxAgeMs?: number | undefined
  /**
   * The current time in epoch milliseconds, compared with temps' mtimes.
   * @default Date.now
   */
  now?: (() => number) | undefined
}

/**
 * The default judge of temps: dead when the writer its name records is dead (same host, boot id and
 * pid namespace; pid gone or reused); when the writer cannot be judged, dead only once the temp has
 * not been modified for `maxAgeMs`. A temp of this process is live while in use (see `ownTemps`).
 * @example
 * const judge = tempLiveness({ maxAgeMs: 10 * 60_000 })
 */
export function tempLiveness(options: TempLivenessOptions = {}): TempLiveness {
  const maxAge = options.maxAgeMs ?? UNKNOWN_WRITER_MAX_AGE_MS
  const now = options.now ?? Date.now
  const own = options.ownTemps ?? 'in-flight'
  return (name, mtimeMs) => {
    const writer = writerOfTemp(name)
    if (writer && isSelf(writer)) {
      if (own !== 'in-flight') return own
      return isSelfThread(writer) && !isTempInFlight(name) ? 'dead' : 'live'
    }
    const verdict = writer ? judgeWriter(writer) : 'unknown'
    if (verdict !== 'unknown') return verdict
    return now() - mtimeMs > maxAge ? 'dead' : 'live'
  }
}

/** {@link tempLiveness} with its defaults. */
export const defaultTempLiveness: TempLiveness = /* @__PURE__ */ tempLiveness()

/**
 * The judge of a crash model: after the machine crashed and rebooted, no writer of before lives.
 */
export const everyWriterDead: TempLiveness = () => 'dead'
