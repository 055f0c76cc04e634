import { existsSync, mkdirSync, writeFileSync as nodeWriteFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { type RecoveryReport, recover } from '../../src/index.js'
import { ensureBuilt, packageRoot, startChild } from '../helpers/children.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

/** How many times the writer is killed; raise it (DW_KILL_ITERATIONS=500) for a longer hunt. */
const ITERATIONS = Number(process.env.DW_KILL_ITERATIONS) || Math.round(30 * reliabilityScale())

beforeAll(() => {
  // `npm test` builds first; build here only when there is no build at all.
  if (!existsSync(join(packageRoot, 'dist', 'index.js'))) ensureBuilt()
})

const txLoop = new URL('./fixtures/tx-loop.mjs', import.meta.url)

const FILES = ['f0.txt', 'f1.txt', 'f2.txt', join('sub', 'f3.txt'), join('sub', 'f4.txt')]
const HEADER = /^tx=(\d+) file=(\d) rm4=([01]) pad=(\d+)\n/

/** The content transaction `n` gives file `i` (as the child writes it, with `pad` padding bytes). */
function contentOf(n: number, i: number, rm4: number, pad: number): string {
  return `tx=${n} file=${i} rm4=${rm4} pad=${pad}\n${'x'.repeat(pad)}`
}

/**
 * Checks that the five files hold exactly the state one transaction left, and returns its number.
 * Every file present is complete (its padding as announced) and carries the same n; file 4 is
 * absent exactly when that transaction removed it.
 */
function boundaryState(dir: string, where: string): number {
  const seen = FILES.map((f) => {
    const path = join(dir, f)
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined
  })
  const first = seen[0]
  expect(first, `${where}: f0.txt is missing`).toBeDefined()
  const header = HEADER.exec(first!)
  expect(header, `${where}: f0.txt has no header: ${first!.slice(0, 60)}`).not.toBeNull()
  const n = Number(header![1])
  const rm4 = Number(header![3])
  seen.forEach((content, i) => {
    if (i === 4 && rm4 === 1) {
      expect(content, `${where}: f4.txt should have been removed by tx ${n}`).toBeUndefined()
      return
    }
    expect(content, `${where}: ${FILES[i]} is missing after tx ${n}`).toBeDefined()
    const h = HEADER.exec(content!)
    expect(h, `${where}: ${FILES[i]} has no header`).not.toBeNull()
    expect(
      [Number(h![1]), Number(h![2]), Number(h![3])],
      `${where}: ${FILES[i]} is from another transaction than f0.txt (tx ${n})`,
    ).toEqual([n, i, rm4])
    expect(content === contentOf(n, i, rm4, Number(h![4])), `${where}: ${FILES[i]} is incomplete`).toBe(true)
  })
  return n
}

/** The numbers of the child's `begin <n>` and `done <n>` lines. */
function progress(stdout: string): { begun: number[]; done: number[] } {
  const begun: number[] = []
  const done: number[] = []
  for (const line of stdout.split('\n')) {
    const m = /^(begin|done) (\d+)$/.exec(line)
    if (m) (m[1] === 'begin' ? begun : done).push(Number(m[2]))
  }
  return { begun, done }
}

describe('transactions killed with SIGKILL at random moments', () => {
  it(
    'always recover to the state of exactly one transaction boundary, never going back',
    async () => {
      const started = performance.now()
      const base = tempDir()
      const dir = join(base, 'tree')
      mkdirSync(join(dir, 'sub'), { recursive: true })
      // Recovery runs from the journal's directory, a target directory or an ancestor, in turn.
      const recoverFrom = [dir, join(dir, 'sub'), base]
      FILES.forEach((f, i) => {
        nodeWriteFileSync(join(dir, f), contentOf(0, i, 0, 0))
      })
      let state = 0
      const totals: RecoveryReport & { transactions: number; residue: number } = {
        rolledForward: 0,
        rolledBack: 0,
        tempFilesRemoved: 0,
        conflicts: [],
        transactions: 0,
        residue: 0,
      }
      for (let iteration = 1; iteration <= ITERATIONS; iteration++) {
        const seed = Math.floor(Math.random() * 2 ** 32)
        const delay = Math.floor(Math.random() * 50)
        // Mostly kill a process in its steady state (a transaction takes a few ms to a few tens of ms
        // here), sometimes one still in its first transaction (loading modules, creating the lock).
        const after = iteration % 4 === 0 ? 'begin' : 'done'
        const where = `iteration ${iteration} (seed ${seed}, kill ${delay} ms after ${after} ${state + 1})`
        const child = startChild(txLoop, [JSON.stringify({ dir, start: state, seed })])
        await child.line(`${after} ${state + 1}`)
        await sleep(delay)
        child.kill('SIGKILL')
        const exit = await child.exited
        expect(exit.signal, `${where}: ${exit.stderr}`).toBe('SIGKILL')
        const { begun, done } = progress(exit.stdout)

        // The killed process cannot release its journal lock: recover takes it over at once, since its
        // holder is a dead process of this host (no 10 s wait for the lock to go stale).
        const report = await recover(recoverFrom[iteration % recoverFrom.length]!)
        totals.rolledForward += report.rolledForward
        totals.rolledBack += report.rolledBack
        totals.tempFilesRemoved += report.tempFilesRemoved
        if (report.rolledForward + report.rolledBack + report.tempFilesRemoved > 0) totals.residue++

        const n = boundaryState(dir, where)
        // Every committed transaction survives; the one in flight is all there or not at all.
        const lastDone = done.at(-1) ?? state
        const lastBegun = begun.at(-1) ?? state
        expect([lastDone, lastBegun], `${where}: recovered tx ${n}`).toContain(n)
        expect(n, where).toBeGreaterThanOrEqual(state)
        totals.transactions += done.length

        // Recovery from a subdirectory leaves the dead writer's temps above it to later writes or to
        // a recovery of the whole tree; that one leaves none.
        totals.tempFilesRemoved += (await recover(dir)).tempFilesRemoved
        expect(tempFilesIn(dir), where).toEqual([])
        const journal = join(dir, '.durable-write')
        const manifests = existsSync(journal)
          ? readdirSync(journal).filter((f) => f.endsWith('.manifest'))
          : []
        expect(manifests, where).toEqual([])
        // Nothing but the five files (and the journal, which recovery removes once empty) was ever created.
        expect(
          readdirSync(dir)
            .filter((f) => f !== '.durable-write')
            .sort(),
          where,
        ).toEqual(['f0.txt', 'f1.txt', 'f2.txt', 'sub'])
        expect(
          readdirSync(join(dir, 'sub')).every((f) => f === 'f3.txt' || f === 'f4.txt'),
          where,
        ).toBe(true)
        state = n
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      console.log(
        `SIGKILL loop: ${ITERATIONS} kills in ${seconds} s, ${totals.transactions} transactions committed, ` +
          `recovery: ${totals.rolledForward} rolled forward, ${totals.rolledBack} rolled back, ` +
          `${totals.tempFilesRemoved} temp files removed (${totals.residue} kills left something to recover)`,
      )
      expect(state).toBeGreaterThan(0)
      // A kill mid-transaction leaves temps or a manifest most of the time; never once would mean
      // the kills missed the transactions.
      if (ITERATIONS >= 10) expect(totals.residue).toBeGreaterThan(0)
      reportFigure('SIGKILLs survived', ITERATIONS, 'writeTransaction over 5 files')
    },
    Math.max(60_000, ITERATIONS * 3_000),
  )
})
