import { describe, expect, it } from 'vitest'
import { formatViolation } from '../helpers/crash-explorer.js'
import { formatGate, runMutationGate } from '../helpers/crash-suite.js'
import { reportFigure } from '../helpers/report.js'

// The gate runs once, at collection, so that each mutant is a test of its own.
const rows = await runMutationGate()
console.log(`Mutation gate\n${formatGate(rows)}`)

const needed = rows.filter((r) => r.protocol !== 'recovery' && r.kind !== 'none' && !r.noOp)
const noOps = rows.filter((r) => r.noOp)

describe('mutation gate', () => {
  it.each(needed)('$protocol, $scenario: "$mutant" is caught', (row) => {
    expect(row.caughtBy, `${row.mutant} went unnoticed in ${row.states} crash states`).toBeDefined()
    reportFigure('mutants caught', 1, `${row.scenario}: ${row.mutant} → ${row.caughtBy}`)
  })

  it('drops every kind of step of both protocols', () => {
    for (const protocol of ['single write', 'transaction'] as const) {
      const kinds = new Set(needed.filter((r) => r.protocol === protocol).map((r) => r.kind))
      expect([...kinds].sort()).toEqual(['directory fsync', 'fsync', 'ordering'])
    }
    expect(
      needed.filter((r) => r.protocol === 'transaction' && r.kind === 'fsync').length,
    ).toBeGreaterThanOrEqual(6)
  })

  it('raises no alarm for a dropped sync that had nothing to sync', () => {
    // Such a sync is redundant in the protocol; a violation here would be a false alarm of the checker.
    for (const row of noOps)
      expect(row.caughtBy, row.violation && formatViolation(row.violation)).toBeUndefined()
    expect(noOps.every((r) => r.kind === 'directory fsync')).toBe(true)
  })

  it('catches a recovery that renames without syncing the directories (I4)', () => {
    const row = rows.find((r) => r.protocol === 'recovery')
    expect(row?.caughtBy).toBe('I4')
  })

  it('finds no violation in the unmutated protocols', () => {
    const real = rows.filter((r) => r.kind === 'none')
    expect(real.length).toBe(8)
    for (const row of real) expect(row.violation && formatViolation(row.violation)).toBeUndefined()
  })
})
