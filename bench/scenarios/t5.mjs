// T5: multiEdit applying 10 edits to a 100 KiB file: one read, one durable write.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as f from '../lib/format.mjs'
import { formatOps } from '../lib/ops.mjs'
import { LABELS, wfa } from '../lib/peers.mjs'
import { check, ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T5'
export const title = 'multiEdit: 10 edits on a 100 KiB file'
export const target =
  'ops = 1 read + 1 write; ≤ 1.2 × one durable write of that file; ≤ 0.2 × ten read-edit-write cycles'

const SIZE = 100 * 1024
const EDITS = 10

/** 100 KiB of source-like lines, each naming a unique identifier. */
function source() {
  let s = ''
  for (let i = 0; s.length < SIZE; i++) s += `export const value${i} = compute(${i}, 'alpha') // line ${i}\n`
  s = s.slice(0, s.lastIndexOf('\n', SIZE - 4) + 1)
  return `${s}//${'-'.repeat(SIZE - s.length - 3)}\n`
}

export async function run({ dw, dir, quick, log }) {
  const original = source()
  const lines = original.split('\n').length
  const picks = Array.from({ length: EDITS }, (_, k) => Math.floor(((k + 0.5) * (lines - 2)) / EDITS))
  const forward = picks.map((i) => ({
    oldString: `value${i} = compute(`,
    newString: `value${i} = computeFast(`,
  }))
  const backward = forward.map((e) => ({ oldString: e.newString, newString: e.oldString }))
  let edited = original
  for (const e of forward) edited = edited.replace(e.oldString, e.newString)
  const at = (name) => join(dir, `${name}.ts`)
  for (const name of ['multi', 'dry', 'one', 'wfa']) await writeFile(at(name), original)
  const cycles = async (path, edits) => {
    for (const e of edits) {
      const text = await readFile(path, 'utf8')
      await wfa(path, text.replace(e.oldString, e.newString))
    }
  }
  log(`${EDITS} edits, ${f.bytes(Buffer.byteLength(original))}`)
  // Even iterations apply the edits, odd ones undo them, so every call changes the file.
  const timings = await interleave(
    [
      {
        key: 'multi',
        label: `durable-write multiEdit (${EDITS} edits)`,
        run: (i) => dw.multiEdit(at('multi'), i % 2 ? backward : forward),
      },
      {
        key: 'dry',
        label: 'durable-write multiEdit, dryRun (read + match + diff, no write)',
        run: () => dw.multiEdit(at('dry'), forward, { dryRun: true }),
      },
      {
        key: 'one',
        label: 'durable-write writeFile of the edited file (one durable write)',
        run: (i) => dw.writeFile(at('one'), i % 2 ? original : edited),
      },
      {
        key: 'wfa',
        label: `${EDITS} × (readFile + replace + ${LABELS.wfa})`,
        run: (i) => cycles(at('wfa'), i % 2 ? backward : forward),
      },
    ],
    quick ? { rounds: 8, perRound: 2 } : { rounds: 30, perRound: 2 },
  )
  const table = timingTable({
    caption: `${EDITS} edits on a ${f.bytes(Buffer.byteLength(original))} file (time per call or cycle set)`,
    timings,
    rows: [
      { key: 'multi', ops: (r) => r.ops, cells: () => ['1 multiEdit'] },
      { key: 'dry', ops: (r) => r.ops, cells: () => ['1 multiEdit'] },
      { key: 'one', ops: (r) => r.ops, cells: () => ['1 writeFile'] },
      { key: 'wfa', cells: () => [`${EDITS} reads, ${EDITS} writes, ${EDITS} fsyncs`] },
    ],
    ratioTo: [
      { key: 'one', title: '÷ one durable write' },
      { key: 'wfa', title: '÷ ten cycles' },
    ],
    extra: ['calls'],
  })
  const [multi, dry, one] = table.raw
  const opsOk = multi.ops.reads === 1 && multi.ops.writes === 1
  const checks = [
    check(
      'multiEdit ops: reads = 1 and writes = 1 (WriteStats)',
      opsOk ? 1 : 0,
      '==',
      1,
      () => `reads ${multi.ops.reads}, writes ${multi.ops.writes}`,
    ),
    ratioCheck('multiEdit ÷ one durable write of that file', multi, 'one', 1.2),
    ratioCheck(`multiEdit ÷ ${EDITS} read-edit-write cycles with write-file-atomic`, multi, 'wfa', 0.2),
  ]
  const limits = []
  if (multi.ratios.one > 1.2) {
    limits.push(
      `multiEdit ${f.ms(multi.median)} vs one write ${f.ms(one.median)} (+${f.ms(multi.median - one.median)}): ` +
        `the same write plus the read, matching and diff, which alone (dryRun) take ${f.ms(dry.median)} ` +
        `(${formatOps(dry.ops)}).`,
    )
  }
  if (multi.ratios.wfa > 0.2) {
    limits.push(
      `The ten cycles cost ten fsyncs and no directory fsync; multiEdit costs two syncs (${formatOps(multi.ops)}), ` +
        'so its floor is one durable write: see the one-write row.',
    )
  }
  return { tables: [table], checks, limits, data: { table: table.raw } }
}
