// T6: a burst of 10,000 writes to one path through the coalescing WriteQueue, against steno.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as f from '../lib/format.mjs'
import { LABELS, StenoWriter, wfa } from '../lib/peers.mjs'
import { median } from '../lib/stats.mjs'
import { check, ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T6'
export const title = 'WriteQueue: burst of 10,000 writes to one path'
export const target = "≤ 3 physical writes; ≤ 2 × steno's time, while durable"

const BURST = 10_000

/** `n` distinct ~1 KiB JSON documents, as an app saving its state on every change would produce. */
const states = (n) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ seq: i, items: Array.from({ length: 40 }, (_, k) => k * i) }),
  )

export async function run({ dw, dir, quick, log }) {
  const WFA_BURST = quick ? 100 : 500
  const data = states(BURST)
  const last = data.at(-1)
  const queuePath = join(dir, 'queue.json')
  const stenoPath = join(dir, 'steno.json')
  const wfaPath = join(dir, 'wfa.json')
  const onePath = join(dir, 'one.json')
  const queue = new dw.WriteQueue()
  const steno = new StenoWriter(stenoPath)
  log(`${BURST} writes per burst`)
  const timings = await interleave(
    [
      {
        key: 'dw',
        label: `durable-write WriteQueue (durable), ${BURST} writes`,
        run: async () => {
          const before = queue.stats.performed
          await Promise.all(data.map((d) => queue.write(queuePath, d)))
          return { performed: queue.stats.performed - before }
        },
      },
      {
        key: 'steno',
        label: `${LABELS.steno}, ${BURST} writes`,
        run: () => Promise.all(data.map((d) => steno.write(d))),
      },
      {
        key: 'one',
        label: 'durable-write writeFile, one write (for scale)',
        run: () => dw.writeFile(onePath, last),
      },
      {
        key: 'wfa',
        label: `${LABELS.wfa}, ${WFA_BURST} writes (smaller burst: every write is physical)`,
        run: () => Promise.all(data.slice(0, WFA_BURST).map((d) => wfa(wfaPath, d))),
      },
    ],
    quick ? { rounds: 3, perRound: 1 } : { rounds: 5, perRound: 1 },
  )
  await queue.close()
  const performed = timings.dw.results.map((r) => r.performed)
  const performedMax = Math.max(...performed)
  const table = timingTable({
    caption: 'Time for the whole burst, from the first write() until every promise has resolved',
    timings,
    rows: [
      { key: 'dw', cells: () => [String(BURST), `${median(performed)} (max ${performedMax})`] },
      { key: 'steno', cells: () => [String(BURST), 'not reported (coalesces to the newest)'] },
      { key: 'one', cells: () => ['1', '1'] },
      {
        key: 'wfa',
        noRatio: `not comparable (${WFA_BURST} writes)`,
        cells: () => [String(WFA_BURST), String(WFA_BURST)],
      },
    ],
    ratioTo: [{ key: 'steno', title: '÷ steno' }],
    opsColumn: false,
    extra: ['writes requested', 'physical writes'],
  })
  const dwRow = table.raw[0]
  const final = {
    queue: readFileSync(queuePath, 'utf8') === last,
    steno: readFileSync(stenoPath, 'utf8') === last,
  }
  const checks = [
    check(`physical writes per burst of ${BURST} (max over bursts)`, performedMax, '<=', 3, String),
    ratioCheck('WriteQueue burst ÷ steno burst', dwRow, 'steno', 2),
    check(
      'the file holds the last write of the burst (WriteQueue and steno)',
      final.queue && final.steno ? 1 : 0,
      '==',
      1,
      (v) => (v ? 'yes' : `no (queue ${final.queue}, steno ${final.steno})`),
    ),
  ]
  const wfaPer = timings.wfa.summary.median / WFA_BURST
  const limits = []
  if (dwRow.ratios.steno > 2) {
    limits.push(
      `Both coalesce, so a burst costs ${BURST} calls plus a few physical writes. The queue made ` +
        `${median(performed)} durable writes of about ${f.ms(timings.one.summary.median)} each (one-write row); the ` +
        `rest of its ${f.ms(dwRow.median)}, about ${f.ms(dwRow.median - median(performed) * timings.one.summary.median)}, ` +
        `is the ${BURST} write() calls, against ${f.ms(timings.steno.summary.median)} for all of steno's burst ` +
        '(no fsync).',
    )
  }
  return {
    tables: [table],
    checks,
    limits,
    data: { table: table.raw, performed, wfaMsPerWrite: wfaPer },
    notes: [
      `write-file-atomic does not coalesce: it writes every request, so it ran a ${WFA_BURST}-write burst ` +
        `(${f.ms(wfaPer)} per write); its time is not comparable with the ${BURST}-write rows and is not extrapolated. ` +
        'steno does not fsync, so its burst is not durable; the WriteQueue row is.',
    ],
  }
}
