// L: updateJson (lock + read + write + unlock) against an unlocked write, and lock contention
// between 1, 2, 4 and 8 processes incrementing one counter.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { childScript, runChild } from '../lib/child.mjs'
import * as f from '../lib/format.mjs'
import { check, plainTable, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'L'
export const title = 'updateJson: lock + read + write + unlock, and contention between processes'
export const target = 'no target in BENCH.md; reported for scale. Every increment must survive contention.'

const PROCESSES = [1, 2, 4, 8]

async function single(dw, dir, quick) {
  const at = (name) => join(dir, `${name}.json`)
  let n = 0
  const timings = await interleave(
    [
      {
        key: 'update',
        label: 'durable-write updateJson (lock, read, write, unlock)',
        run: () => dw.updateJson(at('update'), (c) => ({ n: (c?.n ?? 0) + 1 }), { default: { n: 0 } }),
      },
      {
        key: 'write',
        label: 'durable-write safeWriteJson, same value, no lock',
        run: () => dw.safeWriteJson(at('write'), { n: ++n }),
      },
    ],
    quick ? { rounds: 10, perRound: 1 } : { rounds: 40, perRound: 1 },
  )
  return timingTable({
    caption: 'One process, one small JSON counter',
    timings,
    rows: [
      { key: 'update', ops: (r) => r.ops },
      { key: 'write', ops: (r) => r.ops },
    ],
    ratioTo: [{ key: 'write', title: '÷ unlocked safeWriteJson' }],
  })
}

async function contention(dir, quick, log) {
  const seconds = quick ? 0.5 : 3
  const rows = []
  const raw = []
  for (const p of PROCESSES) {
    log(`${p} process(es), ${seconds} s`)
    const path = join(dir, `counter-${p}.json`)
    const go = join(dir, `go-${p}`)
    const ready = Array.from({ length: p }, (_, i) => join(dir, `ready-${p}-${i}`))
    const children = ready.map((r) => runChild(childScript('increment.mjs'), [path, r, go, seconds * 1000]))
    const failed = Promise.all(children).then(
      () => {},
      (err) => err,
    )
    while (!ready.every((r) => existsSync(r))) {
      const err = await Promise.race([failed, new Promise((r) => setTimeout(r, 10))])
      if (err) throw err
    }
    writeFileSync(go, '')
    const results = await Promise.all(children)
    const total = results.reduce((a, r) => a + r.increments, 0)
    const final = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).n : 0
    const exhausted = results.reduce((a, r) => a + r.lockRetriesExhausted, 0)
    const medians = results.map((r) => r.medianMs).filter((x) => x !== null)
    raw.push({ processes: p, seconds, total, final, exhausted, perProcess: results })
    rows.push([
      String(p),
      String(total),
      String(final),
      f.perSec(total / seconds),
      `${Math.min(...results.map((r) => r.increments))}–${Math.max(...results.map((r) => r.increments))}`,
      medians.length ? `${f.ms(Math.min(...medians))}–${f.ms(Math.max(...medians))}` : '–',
      String(exhausted),
    ])
  }
  return {
    table: plainTable(
      `Processes incrementing one counter with updateJson for ${seconds} s each (children started together)`,
      [
        'processes',
        'increments',
        'final counter',
        'increments/s',
        'increments per process (min–max)',
        'median updateJson per process, incl. lock wait (min–max)',
        'gave up (ERR_LOCKED)',
      ],
      rows,
      raw,
    ),
    raw,
  }
}

export async function run({ dw, dir, quick, log }) {
  log('updateJson vs safeWriteJson')
  const table = await single(dw, dir, quick)
  const { table: contended, raw } = await contention(dir, quick, log)
  const lost = raw.filter((r) => r.final !== r.total)
  return {
    tables: [table, contended],
    checks: [
      check(
        'no lost increments under contention (final counter = increments reported)',
        lost.length,
        '==',
        0,
        (v) => (v === 0 ? 'none lost' : `${v} run(s) lost increments`),
      ),
    ],
    data: { single: table.raw, contention: raw },
    notes: [
      'Children retry the lock with retries 1000, minTimeout 1 ms, maxTimeout 50 ms. proper-lockfile polls ' +
        '(mkdir) rather than queueing waiters, so under contention throughput depends on that back-off, and a ' +
        'process that just released the lock can take it again before a sleeping waiter wakes (compare the ' +
        'per-process columns).',
    ],
  }
}
