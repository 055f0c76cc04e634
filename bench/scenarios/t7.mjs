// T7: skipUnchanged when the file already holds the same 1 KiB, against a write that changes it.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { text } from '../lib/data.mjs'
import * as f from '../lib/format.mjs'
import { formatOps } from '../lib/ops.mjs'
import { check, ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T7'
export const title = 'skipUnchanged on identical 1 KiB'
export const target = '≤ 0.5 × a changed durable write'

export async function run({ dw, dir, quick, log }) {
  const same = text(1024, 0)
  const other = text(1024, 1)
  const at = (name) => join(dir, `${name}.txt`)
  await writeFile(at('same'), same)
  await writeFile(at('fast'), same)
  log('identical vs changed 1 KiB')
  const timings = await interleave(
    [
      {
        key: 'skip',
        label: 'durable-write writeFile, skipUnchanged, identical content',
        run: () => dw.writeFile(at('same'), same, { skipUnchanged: true }),
      },
      {
        key: 'changed',
        label: 'durable-write writeFile, content changed',
        run: (i) => dw.writeFile(at('changed'), i % 2 ? same : other),
      },
      {
        key: 'changedSkip',
        label: 'durable-write writeFile, skipUnchanged, content changed',
        run: (i) => dw.writeFile(at('changedSkip'), i % 2 ? same : other, { skipUnchanged: true }),
      },
      {
        key: 'fast',
        label: "durable-write writeFile, skipUnchanged, identical, durability 'fast'",
        run: () => dw.writeFile(at('fast'), same, { skipUnchanged: true, durability: 'fast' }),
      },
    ],
    quick ? { rounds: 15, perRound: 1 } : { rounds: 100, perRound: 1 },
  )
  const table = timingTable({
    caption: '1 KiB, per call',
    timings,
    rows: [
      {
        key: 'skip',
        ops: (r) => r.ops,
        cells: () => [String(timings.skip.results.every((r) => !r.changed))],
      },
      {
        key: 'changed',
        ops: (r) => r.ops,
        cells: () => [String(timings.changed.results.every((r) => r.changed))],
      },
      {
        key: 'changedSkip',
        ops: (r) => r.ops,
        cells: () => [String(timings.changedSkip.results.every((r) => r.changed))],
      },
      {
        key: 'fast',
        ops: (r) => r.ops,
        cells: () => [String(timings.fast.results.every((r) => !r.changed))],
      },
    ],
    ratioTo: [{ key: 'changed', title: '÷ changed write' }],
    extra: ['as expected (changed: false / true)'],
  })
  const [skip, changed] = table.raw
  const checks = [
    ratioCheck('skipUnchanged (identical) ÷ changed durable write', skip, 'changed', 0.5),
    check(
      'identical content is not rewritten (WriteStats writes = 0, renames = 0)',
      skip.ops.writes + skip.ops.renames,
      '==',
      0,
      String,
    ),
  ]
  const limits = []
  if (skip.ratios.changed > 0.5) {
    limits.push(
      `A durable skip still makes the existing file and its directory durable (${formatOps(skip.ops)}): two ` +
        `fsyncs, like the changed write (${formatOps(changed.ops)}). It saves the temp file, the write and the ` +
        `rename, so its floor is two fsyncs of clean data; with durability 'fast' it takes ${f.ms(table.raw[3].median)}.`,
    )
  }
  return {
    tables: [table],
    checks,
    limits,
    data: { table: table.raw },
    notes: [
      "In durable mode an unchanged file is still synced (API: the existing file and its directory are made durable), so the skip is not free; the 'fast' row shows the read-and-compare alone.",
    ],
  }
}
