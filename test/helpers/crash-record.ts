import type { FsLike, FsMethod } from '../../src/fs/fs-like.js'
import type { Effect, MemState } from './crash-state.js'
import { cloneState } from './crash-state.js'
import { interceptFs } from './fault-fs.js'
import { type MemFs, memFs } from './mem-fs.js'

/**
 * One recorded call, with the effects it had on the in-memory file system. `start` and `end` are ticks
 * of one clock advancing at every issue and settlement (`a.end < b.start`: a finished before b was
 * issued); a mutant may move an entry to fractional ticks between two others.
 */
export interface CrashEntry {
  readonly method: FsMethod
  readonly path?: string | undefined
  readonly to?: string | undefined
  /** Short description of the arguments that matter (open flags, write length). */
  readonly detail: string
  start: number
  end: number
  /** Error code when the call failed (a failed call has no effects). */
  readonly error?: string | undefined
  readonly effects: readonly Effect[]
}

/** The trace of one call on a known initial state. */
export interface Recording {
  /** The state before the call (never mutated). */
  readonly initial: MemState
  readonly trace: readonly CrashEntry[]
  /** True when the call returned (resolved) rather than threw. */
  readonly returned: boolean
  readonly error?: unknown
  /** The state the call left (no crash). */
  readonly final: MemState
}

function detailOf(method: FsMethod, args: readonly unknown[]): string {
  if (method === 'open') return String(args[1])
  if (method === 'write') return `${String(args[3])} bytes`
  return ''
}

/** Wraps `mem` so that every call through it is appended to `trace` with its effects. */
export function recorderFor(mem: MemFs, trace: CrashEntry[]): FsLike {
  let tick = 0
  return interceptFs(mem, (call, proceed) => {
    const effects: Effect[] = []
    const entry = {
      method: call.method,
      path: call.path,
      to: call.to,
      detail: detailOf(call.method, call.args),
      start: tick++,
      end: Number.POSITIVE_INFINITY,
      effects,
    } as CrashEntry & { error?: string }
    trace.push(entry)
    mem.onEffect = (e) => effects.push(e)
    let result: unknown
    try {
      result = proceed()
    } catch (err) {
      entry.end = tick++
      entry.error = (err as NodeJS.ErrnoException).code ?? 'ERROR'
      throw err
    } finally {
      mem.onEffect = undefined
    }
    if (call.sync) {
      entry.end = tick++
      return result
    }
    return (result as Promise<unknown>).then(
      (value) => {
        entry.end = tick++
        return value
      },
      (err: unknown) => {
        entry.end = tick++
        entry.error = (err as NodeJS.ErrnoException).code ?? 'ERROR'
        throw err
      },
    )
  })
}

/** Records `run` on an in-memory copy of `initial`, sync or async. */
export async function record(initial: MemState, run: (fs: FsLike) => unknown): Promise<Recording> {
  const mem = memFs(cloneState(initial))
  const trace: CrashEntry[] = []
  try {
    await run(recorderFor(mem, trace))
    return { initial, trace, returned: true, final: mem.state }
  } catch (error) {
    return { initial, trace, returned: false, error, final: mem.state }
  }
}

/** The synchronous twin of {@link record} (recovery runs are recorded with it). */
export function recordSync(initial: MemState, run: (fs: FsLike) => unknown): Recording {
  const mem = memFs(cloneState(initial))
  const trace: CrashEntry[] = []
  try {
    run(recorderFor(mem, trace))
    return { initial, trace, returned: true, final: mem.state }
  } catch (error) {
    return { initial, trace, returned: false, error, final: mem.state }
  }
}

/** A readable line for one entry: `#12 rename /d/.x.1f.dwtmp -> /d/x`. */
export function describeEntry(entry: CrashEntry, index: number): string {
  const where = entry.to ? `${entry.path} -> ${entry.to}` : (entry.path ?? '')
  const detail = entry.detail ? ` ${entry.detail}` : ''
  const failed = entry.error ? ` (failed ${entry.error})` : ''
  return `#${index} ${entry.method} ${where}${detail}${failed}`
}
