/**
 * Crash-state exploration (RELIABILITY.md §2, after ALICE, OSDI 2014).
 *
 * The persistence model. A call is recorded on an in-memory file system (mem-fs.ts) from a known
 * initial state, which counts as durable. Files are inodes holding bytes; directories are inodes
 * holding entry maps. Each recorded call carries its effects (crash-state.ts): data units (`write`,
 * `truncate`) belong to the file's inode; entry units (`link` for create and mkdir, `unlink`, and
 * `rename`) belong to the directory whose entries they change. A rename within one directory is one
 * atomic unit; across directories it is two, the new entry (target directory) and the removal of the
 * old one (source directory). Data written before a rename stays with the inode it was written to.
 *
 * A crash point is every prefix of the trace (the crash comes before entry `at` is issued). A unit is
 * necessarily on disk when an fsync/fdatasync of its object (the file for data, the directory for
 * entries) was issued after the unit's call finished and itself finished before the crash. Any subset
 * of the other units issued before the crash may also be on disk; the state applies the chosen units
 * in trace order, and an unsynced write that persists may persist as garbage of its length (a fixed
 * pattern). Metadata (mode, owner, times) is outside the model. Per crash point we try: everything
 * persisted, everything as garbage, nothing optional, each unit lost alone, each unit kept alone,
 * each write as garbage alone, every subset up to a bound, and seeded random subsets beyond it
 * (crash-states.ts). Equal states are checked once.
 *
 * Each crash state is recovered with `recoverSteps` (the steps of `recover(dir)`, run with the sync
 * runner on a mem-fs holding the state: the real `recover` takes a lock on the real disk). Recovery's
 * own trace is then explored the same way (a crash inside recovery), and every such state is recovered
 * again. The invariants I1–I5 are checked as crash-check.ts describes. A violation is reported with
 * the seed (set DW_CRASH_SEED to replay it) and a minimal crash state: the crash point and which
 * operations persisted, after greedily dropping every optional unit the violation does not need.
 */

import { everyWriterDead } from '../../src/core/temp-liveness.js'
import type { FsLike } from '../../src/fs/fs-like.js'
import { runSync } from '../../src/steps/runner.js'
import { emptyReport } from '../../src/txn/recover.js'
import { recoverSteps } from '../../src/txn/recover-dir.js'
import { checkRecovered, checkTorn, type Expectation, type Finding, type Invariant } from './crash-check.js'
import { type Recording, recordSync } from './crash-record.js'
import { type MemState, stateKey } from './crash-state.js'
import {
  buildState,
  type Choice,
  type ChoiceOptions,
  type CrashPoint,
  choicesAt,
  crashPoints,
  describeCrash,
  mulberry32,
  type Unit,
  unitsOf,
} from './crash-states.js'
import { reliabilityScale } from './report.js'

/** How hard to look. */
export interface ExploreOptions {
  /** Seed of the random draws (default: DW_CRASH_SEED, else a fixed one). */
  seed?: number
  /** Multiplies the exhaustive bounds (log2) and the random draws (default: DW_RELIABILITY_SCALE or 1). */
  scale?: number
  /** Also crash inside recovery (default true). */
  recoveryCrashes?: boolean
  /** Stop after this many violations (default 1). */
  maxViolations?: number
  /** Wraps the fs recovery runs on (to explore a mutated recovery, e.g. with droppingFs). */
  recoveryFs?: ((fs: FsLike) => FsLike) | undefined
}

/** A broken invariant, with what it takes to reproduce it. */
export interface Violation extends Finding {
  seed: number
  /** The minimal crash state, readably (and the crash inside recovery, when there was one). */
  crash: string
}

/** What an exploration did. */
export interface ExploreResult {
  crashPoints: number
  /** Crash states of the call enumerated, before equal ones were merged. */
  candidates: number
  /** True when every crash point had few enough unsynced operations to try every subset of them. */
  exhaustive: boolean
  /** Distinct crash states checked (crashes of the call and crashes inside recovery). */
  states: number
  /** Recovery runs. */
  recoveries: number
  violations: Violation[]
}

const DEFAULT_SEED = 0x5eed_2014

interface Context {
  rec: Recording
  exp: Expectation
  wrap: (fs: FsLike) => FsLike
  inner: ChoiceOptions | undefined
  result: ExploreResult
}

interface Outcome extends Finding {
  detail?: string
}

function recover(state: MemState, ctx: Context): Recording {
  const from = ctx.exp.recoverFrom ?? [ctx.exp.root]
  const turn = ctx.result.recoveries++
  // Every directory of the list in turn, starting at a different one for each crash state: recovery
  // must hold whichever directory a user runs it from, and however often.
  const dirs = from.map((_, i) => from[(turn + i) % from.length]!)
  // After a crash (a reboot, in this model) no writer of the call lives on: every temp is abandoned.
  const steps = (function* () {
    for (const dir of dirs) yield* recoverSteps(dir, emptyReport(), { judge: everyWriterDead })
  })()
  return recordSync(state, (fs) => runSync(steps, ctx.wrap(fs)))
}

function failedRecovery(r: Recording): Outcome | undefined {
  if (r.returned) return undefined
  const why = r.error instanceof Error ? r.error.message : String(r.error)
  return { invariant: 'I4', message: `Recovery failed: ${why}` }
}

function asI4(f: Finding, during: string): Outcome {
  return f.invariant === 'I4' ? f : { invariant: 'I4', message: `${during} (${f.invariant}): ${f.message}` }
}

/** Greedily drops kept units and garbage marks while `fails` still holds. */
function minimize(choice: Choice, fails: (c: Choice) => boolean): Choice {
  let best = choice
  for (const u of [...choice.garbage]) {
    const garbage = new Set(best.garbage)
    garbage.delete(u)
    const c = { keep: best.keep, garbage }
    if (fails(c)) best = c
  }
  for (const u of [...choice.keep]) {
    const keep = new Set(best.keep)
    keep.delete(u)
    const garbage = new Set(best.garbage)
    garbage.delete(u)
    const c = { keep, garbage }
    if (fails(c)) best = c
  }
  return best
}

/** A state reached by a crash inside recovery: recover again, then I1–I3 and I5. */
function checkAfterRecoveryCrash(state: MemState, returned: boolean, ctx: Context): Outcome | undefined {
  const torn = checkTorn(state, ctx.exp)
  if (torn) return asI4(torn, 'During recovery')
  const again = recover(state, ctx)
  const f = failedRecovery(again) ?? checkRecovered(again.final, ctx.exp, returned, ctx.rec.initial)
  return f && asI4(f, 'After a crash inside recovery and a second recovery')
}

/** Explores crashes inside the recovery recorded in `r` (which started from `state`). */
function crashRecovery(
  state: MemState,
  r: Recording,
  returned: boolean,
  ctx: Context,
  seen: Set<string>,
): Outcome | undefined {
  const units = unitsOf(r.trace)
  for (const point of crashPoints(r.trace, units)) {
    for (const choice of choicesAt(point, units, ctx.inner!)) {
      const inner = buildState(state, units, point, choice)
      // A state the call's own exploration checked got every check made here, and more.
      const key = `${returned}|${stateKey(inner)}`
      if (seen.has(`call|${key}`) || seen.has(`recovery|${key}`)) continue
      seen.add(`recovery|${key}`)
      ctx.result.states++
      const f = checkAfterRecoveryCrash(inner, returned, ctx)
      if (!f) continue
      const fails = (c: Choice) =>
        checkAfterRecoveryCrash(buildState(state, units, point, c), returned, ctx)?.message === f.message
      const min = minimize(choice, fails)
      return { ...f, detail: `inside recovery, ${describeCrash(r.trace, units, point, min, false)}` }
    }
  }
  return undefined
}

/** Every check for one crash state of the call. */
function checkCrashState(
  state: MemState,
  returned: boolean,
  ctx: Context,
  seen: Set<string>,
): Outcome | undefined {
  const torn = checkTorn(state, ctx.exp)
  if (torn) return torn
  const first = recover(state, ctx)
  const bad = failedRecovery(first) ?? checkRecovered(first.final, ctx.exp, returned, ctx.rec.initial)
  if (bad) return bad
  const second = recover(first.final, ctx)
  const again = failedRecovery(second)
  if (again) return asI4(again, 'A second recovery')
  if (stateKey(second.final) !== stateKey(first.final)) {
    return {
      invariant: 'I4',
      message: 'A second recovery changed the state the first one left: it is not idempotent.',
    }
  }
  return ctx.inner ? crashRecovery(state, first, returned, ctx, seen) : undefined
}

/**
 * Explores the crash states of a recorded call (see the file header) and checks I1–I5 on each.
 * `exp` says what the call changes and where recovery looks.
 */
export function explore(rec: Recording, exp: Expectation, options: ExploreOptions = {}): ExploreResult {
  const envSeed = process.env.DW_CRASH_SEED ? Number(process.env.DW_CRASH_SEED) : Number.NaN
  const seed = options.seed ?? (Number.isInteger(envSeed) ? envSeed : DEFAULT_SEED)
  const scale = options.scale ?? reliabilityScale()
  const rng = mulberry32(seed)
  const extra = Math.floor(Math.log2(scale))
  const outer: ChoiceOptions = { bound: 10 + extra, samples: Math.round(24 * scale), rng }
  const inner: ChoiceOptions = { bound: 6 + extra, samples: Math.round(4 * scale), rng }
  const result: ExploreResult = {
    crashPoints: 0,
    candidates: 0,
    exhaustive: true,
    states: 0,
    recoveries: 0,
    violations: [],
  }
  const ctx: Context = {
    rec,
    exp,
    wrap: options.recoveryFs ?? ((fs) => fs),
    inner: options.recoveryCrashes === false ? undefined : inner,
    result,
  }
  const max = options.maxViolations ?? 1
  const units = unitsOf(rec.trace)
  const seen = new Set<string>()
  const points = crashPoints(rec.trace, units)
  result.crashPoints = points.length
  for (const point of points) {
    const returned = rec.returned && point.at === rec.trace.length
    if (point.optional.length > outer.bound) result.exhaustive = false
    for (const choice of choicesAt(point, units, outer)) {
      result.candidates++
      const state = buildState(rec.initial, units, point, choice)
      const key = `call|${returned}|${stateKey(state)}`
      if (seen.has(key)) continue
      seen.add(key)
      result.states++
      const f = checkCrashState(state, returned, ctx, seen)
      if (!f) continue
      result.violations.push(violation(f, point, choice, units, returned, ctx, seed))
      if (result.violations.length >= max) return result
    }
  }
  return result
}

function violation(
  f: Outcome,
  point: CrashPoint,
  choice: Choice,
  units: readonly Unit[],
  returned: boolean,
  ctx: Context,
  seed: number,
): Violation {
  const again = (c: Choice) =>
    checkCrashState(buildState(ctx.rec.initial, units, point, c), returned, ctx, new Set())?.invariant ===
    f.invariant
  const min = minimize(choice, again)
  const state = buildState(ctx.rec.initial, units, point, min)
  const shown = checkCrashState(state, returned, ctx, new Set()) ?? f
  const crash = describeCrash(ctx.rec.trace, units, point, min, ctx.rec.returned)
  const detail = shown.detail ? `\n${shown.detail}` : ''
  return { invariant: shown.invariant, message: shown.message, seed, crash: `${crash}${detail}` }
}

/** A violation as a report paragraph. */
export function formatViolation(v: Violation): string {
  const hex = `0x${v.seed.toString(16)}`
  return `${v.invariant} violated: ${v.message}\nseed ${hex} (replay with DW_CRASH_SEED=${hex})\n${v.crash}`
}

/** The invariant names, re-exported for reports. */
export type { Invariant }
