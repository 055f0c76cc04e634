import type { Invariant } from './crash-check.js'
import { type ExploreOptions, explore, type Violation } from './crash-explorer.js'
import {
  droppedSyncs,
  type Mutant,
  mutate,
  singleWriteOrderings,
  transactionOrderings,
} from './crash-mutants.js'
import {
  type Api,
  explorerScenarios,
  recordScenario,
  type Scenario,
  singleWrite,
  transaction,
} from './crash-scenarios.js'
import { droppingFs } from './fault-fs.js'

/** What exploring one scenario took and found. */
export interface ScenarioCounts {
  name: string
  operations: number
  crashPoints: number
  /** Crash states enumerated before equal ones were merged. */
  candidates: number
  /** Every subset of unsynced operations was tried at every crash point. */
  exhaustive: boolean
  states: number
  recoveries: number
  violations: Violation[]
  ms: number
}

/** Records and explores one scenario. */
export async function exploreScenario(s: Scenario, options?: ExploreOptions): Promise<ScenarioCounts> {
  const started = performance.now()
  const rec = await recordScenario(s)
  if (!rec.returned) throw new Error(`The scenario "${s.name}" failed before any crash: ${String(rec.error)}`)
  const r = explore(rec, s.expect, options)
  const { crashPoints, candidates, exhaustive, states, recoveries, violations } = r
  return {
    name: s.name,
    operations: rec.trace.length,
    crashPoints,
    candidates,
    exhaustive,
    states,
    recoveries,
    violations,
    ms: performance.now() - started,
  }
}

/** Explores every scenario of the explorer (for reports: states, recoveries and violations per scenario). */
export async function runExplorerSuite(options?: ExploreOptions): Promise<ScenarioCounts[]> {
  const out: ScenarioCounts[] = []
  for (const s of explorerScenarios()) out.push(await exploreScenario(s, options))
  return out
}

/** One mutant and what the explorer made of it. */
export interface GateRow {
  protocol: 'single write' | 'transaction' | 'recovery'
  scenario: string
  mutant: string
  /** `none`: the real protocol, which must pass. */
  kind: Mutant['kind'] | 'none'
  /** The dropped sync had nothing to make durable (see {@link Mutant.noOp}). */
  noOp: boolean
  /** The invariant of the first violation found; undefined when none was. */
  caughtBy: Invariant | undefined
  states: number
  violation: Violation | undefined
}

interface GateCase {
  protocol: GateRow['protocol']
  scenario: Scenario
  orderings: Mutant[]
}

function gateCases(api: Api): GateCase[] {
  return [
    {
      protocol: 'single write',
      scenario: singleWrite('creates a file in missing directories', api, {
        path: '/data/x/y/a.txt',
        data: 'deep\n',
      }),
      orderings: singleWriteOrderings,
    },
    {
      protocol: 'single write',
      scenario: singleWrite('overwrites a file', api, {
        path: '/data/a.txt',
        data: 'new\n',
        files: { '/data/a.txt': 'old\n' },
      }),
      orderings: singleWriteOrderings,
    },
    {
      protocol: 'transaction',
      scenario: transaction('overwrites and creates in 2 directories, first journal', api, {
        writes: { '/data/a/x': 'new x\n', '/data/b/y': 'new y\n' },
        files: { '/data/a/x': 'old x\n' },
        dirs: ['/data/b'],
      }),
      orderings: transactionOrderings,
    },
    {
      protocol: 'transaction',
      scenario: transaction('creates, overwrites and deletes in 2 directories', api, {
        writes: { '/data/a/new': 'created\n', '/data/a/old': 'replaced\n' },
        removes: ['/data/b/gone'],
        files: { '/data/a/old': 'original\n', '/data/b/gone': 'to delete\n' },
      }),
      orderings: transactionOrderings,
    },
  ]
}

function row(
  c: GateCase,
  mutant: string,
  kind: GateRow['kind'],
  noOp: boolean,
  r: ReturnType<typeof explore>,
): GateRow {
  const violation = r.violations[0]
  return {
    protocol: c.protocol,
    scenario: c.scenario.name,
    mutant,
    kind,
    noOp,
    caughtBy: violation?.invariant,
    states: r.states,
    violation,
  }
}

/**
 * The mutation gate: every fsync and directory fsync of the single write and the transaction dropped
 * in turn, and every ordering mutant, each explored until the first violation. Also one mutated
 * recovery (its directory fsyncs dropped), to show that I4 can fail.
 */
export async function runMutationGate(options?: ExploreOptions): Promise<GateRow[]> {
  const rows: GateRow[] = []
  for (const api of ['sync', 'async'] as const) {
    for (const c of gateCases(api)) {
      const rec = await recordScenario(c.scenario)
      rows.push(row(c, 'none (the real protocol)', 'none', false, explore(rec, c.scenario.expect, options)))
      for (const m of [...droppedSyncs(rec.trace), ...c.orderings]) {
        const r = explore(mutate(rec, m), c.scenario.expect, options)
        rows.push(row(c, m.name, m.kind, m.noOp === true, r))
      }
    }
  }
  const c = gateCases('sync')[2]!
  const rec = await recordScenario(c.scenario)
  const journal = c.scenario.expect.journalDir
  const recoveryFs = (fs: Parameters<typeof droppingFs>[0]) =>
    droppingFs(fs, (call) => call.method === 'fsync' && call.path !== journal)
  const r = explore(rec, c.scenario.expect, { ...options, recoveryFs })
  rows.push(
    row(
      { ...c, protocol: 'recovery' },
      'recovery renames without directory fsyncs',
      'directory fsync',
      false,
      r,
    ),
  )
  return rows
}

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n')
}

/** The gate as a Markdown table: mutant → the invariant that caught it. */
export function formatGate(rows: readonly GateRow[]): string {
  return table(
    ['protocol', 'scenario', 'mutant', 'caught by'],
    rows.map((r) => [
      r.protocol,
      r.scenario,
      r.mutant,
      r.kind === 'none'
        ? (r.caughtBy ?? 'passes (no violation)')
        : (r.caughtBy ?? (r.noOp ? 'not needed: nothing to sync' : 'NOT CAUGHT')),
    ]),
  )
}

/** Explorer counts as a Markdown table, with a total line. */
export function formatCounts(rows: readonly ScenarioCounts[]): string {
  type Counted = 'operations' | 'crashPoints' | 'candidates' | 'states' | 'recoveries'
  const sum = (k: Counted) => String(rows.reduce((n, r) => n + r[k], 0))
  const violations = rows.reduce((n, r) => n + r.violations.length, 0)
  const ms = rows.reduce((n, r) => n + r.ms, 0)
  const line = (r: ScenarioCounts) => [
    r.name,
    String(r.operations),
    String(r.crashPoints),
    `${r.candidates}${r.exhaustive ? '' : '*'}`,
    String(r.states),
    String(r.recoveries),
    String(r.violations.length),
    `${Math.round(r.ms)}`,
  ]
  const total = [
    'total',
    sum('operations'),
    sum('crashPoints'),
    sum('candidates'),
    sum('states'),
    sum('recoveries'),
  ]
  const header = [
    'scenario',
    'ops',
    'crash points',
    'enumerated',
    'distinct states',
    'recoveries',
    'violations',
    'ms',
  ]
  const note = rows.some((r) => !r.exhaustive)
    ? '\n* sampled: a crash point had too many unsynced operations to try every subset of them'
    : ''
  return `${table(header, [...rows.map(line), [...total, String(violations), `${Math.round(ms)}`]])}${note}`
}
