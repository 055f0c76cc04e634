import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, DurableWriteError, nodeFs, recover } from '../../src/index.js'
import { faultyFs } from '../helpers/fault-fs.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { openFdCount, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { type ApiScenario, recoverScenario, scenarios } from './api-scenarios.js'

/** RELIABILITY.md §1: the error codes a failing device or kernel reports. */
const CODES = ['EIO', 'ENOSPC', 'EACCES', 'EPERM', 'EMFILE', 'EBUSY', 'EXDEV', 'EDQUOT']
/** CI runs every code with single failures and two with sticky ones; DW_RELIABILITY_SCALE >= 2 runs every combination. */
const STICKY_CODES = reliabilityScale() >= 2 ? CODES : ['EIO', 'ENOSPC']

function read(dir: string, rel: string): string | null {
  const p = join(dir, rel)
  return existsSync(p) ? readFileSync(p, 'utf8') : null
}

function setUp(s: ApiScenario): string {
  const dir = tempDir('dw-faults-')
  for (const [rel, content] of Object.entries(s.before)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), content)
  }
  return dir
}

function manifestsIn(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith('.manifest'))
}

/** The files are each old or new — and, for a transaction, all old or all new. */
function expectOldOrNew(
  s: ApiScenario,
  dir: string,
  label: string,
  together = s.together,
): 'old' | 'new' | 'mixed' {
  const names = new Set([...Object.keys(s.before), ...Object.keys(s.after)])
  const states = [...names].map((rel) => {
    const now = read(dir, rel)
    const old = s.before[rel] ?? null
    const fresh = rel in s.after ? s.after[rel]! : old
    if (now === fresh) return now === old ? 'both' : 'new'
    if (now === old) return 'old'
    throw new Error(
      `${label}: ${rel} holds neither its old nor its new content: ${JSON.stringify(now?.slice(0, 80))}`,
    )
  })
  const decided = new Set(states.filter((x) => x !== 'both'))
  if (together && decided.size > 1)
    throw new Error(`${label}: the files of one transaction are part old, part new`)
  return decided.size === 0 ? 'new' : decided.size === 1 ? ([...decided][0] as 'old' | 'new') : 'mixed'
}

async function attempt(
  s: ApiScenario,
  code: string,
  failAt: number,
  sticky: boolean,
): Promise<{ reached: boolean }> {
  const dir = setUp(s)
  let armed = false
  const fs = faultyFs(nodeFs(), { failAt, code, sticky, only: () => armed })
  const writer = new AtomicWriter({ fs })
  const prepared = await s.prepare?.(dir, writer)
  const fdsBefore = openFdCount()
  const label = `${s.name}, ${code} at call ${failAt}${sticky ? ' and after' : ''}`
  armed = true
  let error: unknown
  try {
    await s.run(dir, writer, prepared)
  } catch (err) {
    error = err
  }
  armed = false
  const reached = fs.calls >= failAt
  if (error === undefined) {
    // Faults a protocol may absorb (cleanup of a leftover) still leave the call's full effect.
    expect(expectOldOrNew(s, dir, label), label).toBe('new')
  } else {
    const injected = fs.injected[0]?.error
    expect(injected, `${label}: failed without an injected fault: ${error}`).toBeDefined()
    const cause = error instanceof DurableWriteError ? error.cause : undefined
    const surfaced = error === injected || fs.injected.some((f) => f.error === cause)
    const partial = error instanceof DurableWriteError && error.code === 'ERR_BATCH_PARTIAL'
    expect(
      surfaced || partial || fs.injected.some((f) => f.error === error),
      `${label}: surfaced ${error}`,
    ).toBe(true)
    // Before recovery a transaction interrupted after its commit point is part new: check each file alone.
    expectOldOrNew(s, dir, label, false)
  }
  expect(openFdCount(), `${label}: file descriptors leaked`).toBe(fdsBefore)
  await recover(dir)
  expectOldOrNew(s, dir, `${label} (after recover)`)
  expect(tempFilesIn(dir), label).toEqual([])
  expect(manifestsIn(dir), label).toEqual([])
  return { reached }
}

describe.each([...scenarios, recoverScenario])('fault injection at every operation: $name', (s) => {
  for (const sticky of [false, true]) {
    for (const code of sticky ? STICKY_CODES : CODES) {
      it(`${code}${sticky ? ' (every call from N on)' : ''}: each file old or new, no temp, no fd leaked`, async () => {
        let faults = 0
        for (let failAt = 1; ; failAt++) {
          const { reached } = await attempt(s, code, failAt, sticky)
          if (!reached) break
          faults++
          if (failAt > 500) throw new Error('the call never finished without reaching the fault')
        }
        expect(faults).toBeGreaterThan(0)
        reportFigure('faults injected', faults, `${s.name} × ${code}${sticky ? ' sticky' : ''}`)
      })
    }
  }
})
