import { type CrashEntry, describeEntry } from './crash-record.js'
import { applyEffect, cloneState, type Effect, type MemState } from './crash-state.js'

/**
 * One persistable operation: an effect of a trace entry, with the inode whose fsync makes it durable
 * (`object`: the file for data, the directory for entries). A rename within one directory is one
 * unit; across directories it is two (the new entry, and the removal of the old one).
 */
export interface Unit {
  readonly entry: number
  readonly effect: Effect
  readonly object: number
  readonly write: boolean
  /** Which half of a cross-directory rename, for reports. */
  readonly part?: 'new entry' | 'old entry removed'
}

/** The units of a trace, in trace order. */
export function unitsOf(trace: readonly CrashEntry[]): Unit[] {
  const units: Unit[] = []
  trace.forEach((entry, i) => {
    for (const e of entry.effects) {
      if (e.kind === 'sync') continue
      if (e.kind === 'link' || e.kind === 'unlink')
        units.push({ entry: i, effect: e, object: e.dir, write: false })
      else if (e.kind === 'write' || e.kind === 'truncate')
        units.push({ entry: i, effect: e, object: e.ino, write: e.kind === 'write' })
      else if (e.fromDir === e.toDir) units.push({ entry: i, effect: e, object: e.toDir, write: false })
      else {
        const link: Effect = {
          kind: 'link',
          dir: e.toDir,
          name: e.to,
          ino: e.ino,
          create: { type: e.type, mode: 0o644 },
        }
        const unlink: Effect = { kind: 'unlink', dir: e.fromDir, name: e.from, ino: e.ino }
        units.push({ entry: i, effect: link, object: e.toDir, write: false, part: 'new entry' })
        units.push({ entry: i, effect: unlink, object: e.fromDir, write: false, part: 'old entry removed' })
      }
    }
  })
  return units
}

/** A crash after the first `at` entries were issued: which of their units are surely on disk. */
export interface CrashPoint {
  readonly at: number
  /** Units issued before the crash: indices 0 .. issued-1 of the unit list. */
  readonly issued: number
  readonly forced: ReadonlySet<number>
  readonly optional: readonly number[]
}

/**
 * The crash points of a trace, one per prefix (0 .. trace.length), skipping a point that has the same
 * units and forced set as the one before it. A unit is forced when an fsync/fdatasync of its object
 * was issued after the unit's call had finished and itself finished before the crash.
 */
export function crashPoints(trace: readonly CrashEntry[], units: readonly Unit[]): CrashPoint[] {
  const points: CrashPoint[] = []
  let last = ''
  for (let at = 0; at <= trace.length; at++) {
    const crash = at < trace.length ? trace[at]!.start : Number.POSITIVE_INFINITY
    const synced = new Map<number, number>()
    for (let s = 0; s < at; s++) {
      const entry = trace[s]!
      if (entry.end >= crash) continue
      for (const e of entry.effects) {
        if (e.kind === 'sync') synced.set(e.ino, Math.max(synced.get(e.ino) ?? -1, entry.start))
      }
    }
    let issued = 0
    while (issued < units.length && units[issued]!.entry < at) issued++
    const forced = new Set<number>()
    const optional: number[] = []
    for (let u = 0; u < issued; u++) {
      const unit = units[u]!
      if (trace[unit.entry]!.end < (synced.get(unit.object) ?? -1)) forced.add(u)
      else optional.push(u)
    }
    const signature = `${issued}|${[...forced].join(',')}`
    if (signature === last && at !== trace.length) continue
    last = signature
    points.push({ at, issued, forced, optional })
  }
  return points
}

/** Which optional units of a crash point reached the disk, and which of those as garbage. */
export interface Choice {
  readonly keep: ReadonlySet<number>
  readonly garbage: ReadonlySet<number>
}

/** How many crash states to draw per crash point. */
export interface ChoiceOptions {
  /** Up to this many optional units, every subset is tried. */
  bound: number
  /** Random draws beyond the bound (and garbage variants within it). */
  samples: number
  rng: () => number
}

/**
 * The crash states of one crash point: everything persisted, everything as garbage, nothing optional
 * persisted, each single unit lost, each single unit alone, each single write as garbage, then every
 * subset when there are at most `bound` optional units, else `samples` random ones. No duplicates.
 */
export function* choicesAt(point: CrashPoint, units: readonly Unit[], o: ChoiceOptions): Generator<Choice> {
  const opt = point.optional
  const m = opt.length
  const writes = opt.map((u) => units[u]!.write)
  const seen = new Set<string>()
  const mk = (keep: (i: number) => boolean, garbage: (i: number) => boolean): Choice | undefined => {
    const k = opt.map((_, i) => keep(i))
    const g = opt.map((_, i) => k[i]! && writes[i]! && garbage(i))
    const key = `${k.map(Number).join('')}|${g.map(Number).join('')}`
    if (seen.has(key)) return undefined
    seen.add(key)
    return { keep: new Set(opt.filter((_, i) => k[i])), garbage: new Set(opt.filter((_, i) => g[i])) }
  }
  const none = () => false
  const all = () => true
  const fixed: (Choice | undefined)[] = [mk(all, none), mk(all, all), mk(none, none)]
  for (const c of fixed) if (c) yield c
  for (let j = 0; j < m; j++) {
    for (const c of [mk((i) => i !== j, none), mk((i) => i === j, none), mk(all, (i) => i === j)])
      if (c) yield c
  }
  if (m <= o.bound) {
    for (let mask = 0; mask < 2 ** m; mask++) {
      const c = mk((i) => (mask & (1 << i)) !== 0, none)
      if (c) yield c
    }
  }
  const draws = m > o.bound ? o.samples : writes.some(Boolean) ? Math.min(o.samples, 2 ** m) : 0
  for (let d = 0; d < draws; d++) {
    const k = opt.map(() => o.rng() < 0.5)
    const g = opt.map(() => o.rng() < 0.25)
    const c = mk(
      (i) => k[i]!,
      (i) => g[i]!,
    )
    if (c) yield c
  }
}

/** The crash state: `initial` plus the forced and kept units of the point, in trace order. */
export function buildState(
  initial: MemState,
  units: readonly Unit[],
  point: CrashPoint,
  choice: Choice,
): MemState {
  const state = cloneState(initial)
  for (let u = 0; u < point.issued; u++) {
    if (point.forced.has(u) || choice.keep.has(u)) applyEffect(state, units[u]!.effect, choice.garbage.has(u))
  }
  return state
}

function describeUnit(unit: Unit): string {
  const e = unit.effect
  const part = unit.part ? ` (${unit.part})` : ''
  switch (e.kind) {
    case 'write':
      return `write ${e.data.byteLength} bytes at ${e.offset}`
    case 'truncate':
      return `truncate to ${e.size}`
    case 'link':
      return `entry "${e.name}" added${part}`
    case 'unlink':
      return `entry "${e.name}" removed${part}`
    case 'rename':
      return `entry "${e.from}" renamed to "${e.to}"`
    case 'sync':
      return 'sync'
  }
}

/** The crash state, readably: the crash point, then each issued operation and whether it persisted. */
export function describeCrash(
  trace: readonly CrashEntry[],
  units: readonly Unit[],
  point: CrashPoint,
  choice: Choice,
  returned: boolean,
): string {
  const done = point.at === trace.length && returned ? ' (the call had returned)' : ''
  const lines = [`crash after ${point.at} of ${trace.length} operations${done}:`]
  const crash = point.at < trace.length ? trace[point.at]!.start : Number.POSITIVE_INFINITY
  for (let i = 0; i < point.at; i++) {
    const entry = trace[i]!
    const syncs = entry.effects.some((e) => e.kind === 'sync')
    const mine = units.map((u, n) => [u, n] as const).filter(([u]) => u.entry === i)
    if (!syncs && mine.length === 0) continue
    if (syncs) lines.push(`  ${describeEntry(entry, i)}${entry.end < crash ? '' : ' (not finished)'}`)
    for (const [unit, n] of mine) {
      const status = point.forced.has(n)
        ? 'on disk (synced)'
        : choice.garbage.has(n)
          ? 'ON DISK AS GARBAGE'
          : choice.keep.has(n)
            ? 'ON DISK (not synced)'
            : 'LOST'
      lines.push(`  ${describeEntry(entry, i)}: ${describeUnit(unit)} — ${status}`)
    }
  }
  return lines.join('\n')
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same draws. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
