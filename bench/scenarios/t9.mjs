// T9: safeWriteJson throughput at 1 KB, 1 MB and ~200 MB, against JSON.stringify + a write.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { recordsOfSize } from '../lib/data.mjs'
import * as f from '../lib/format.mjs'
import { LABELS, wfa } from '../lib/peers.mjs'
import { rawDurableWrite } from '../lib/raw-durable.mjs'
import { check, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T9'
export const title = 'safeWriteJson throughput: 1 KB, 1 MB, 200 MB of JSON'
export const target = '≥ 0.7 × the throughput of JSON.stringify + fs.writeFile (at 200 MB)'

const stringify = (value) => `${JSON.stringify(value, null, 2)}\n`

export async function run({ dw, dir, quick, log }) {
  const big = Number(process.env.DW_BENCH_T9_BYTES ?? (quick ? 16e6 : 200e6))
  const sizes = [
    { bytes: 1e3, plan: quick ? { rounds: 10, perRound: 1 } : { rounds: 40, perRound: 1 } },
    { bytes: 1e6, plan: quick ? { rounds: 5, perRound: 1 } : { rounds: 15, perRound: 1 } },
    { bytes: big, plan: quick ? { rounds: 2, perRound: 1 } : { rounds: 6, perRound: 1 } },
  ]
  const tables = []
  const checks = []
  const limits = []
  const notes = []
  const data = []
  for (const { bytes, plan } of sizes) {
    const value = recordsOfSize(bytes)
    const size = Buffer.byteLength(stringify(value))
    log(`${f.bytes(size)} of JSON (${value.length} records)`)
    const at = (name) => join(dir, `${name}.json`)
    const timings = await interleave(
      [
        {
          key: 'dw',
          label: 'durable-write safeWriteJson (durable)',
          run: () => dw.safeWriteJson(at('dw'), value),
        },
        {
          key: 'oneShot',
          label: 'durable-write safeWriteJson, stream: false (no size estimate, one JSON.stringify)',
          run: () => dw.safeWriteJson(at('oneShot'), value, { stream: false }),
        },
        {
          key: 'fs',
          label: `JSON.stringify + ${LABELS.fsWriteFile}`,
          run: () => writeFile(at('fs'), stringify(value)),
        },
        {
          key: 'raw',
          label: `JSON.stringify + ${LABELS.raw}`,
          run: () => rawDurableWrite(at('raw'), stringify(value)),
        },
        { key: 'wfa', label: `JSON.stringify + ${LABELS.wfa}`, run: () => wfa(at('wfa'), stringify(value)) },
      ],
      { ...plan, warmup: bytes > 1e7 ? 0 : 1 },
    )
    const mbps = (key) => () => [f.mbps(size, timings[key].summary.median)]
    const table = timingTable({
      caption: `${f.bytes(size)} of JSON, 2-space indent (${value.length} records)`,
      timings,
      rows: [
        { key: 'dw', ops: (r) => r.ops, cells: mbps('dw') },
        { key: 'oneShot', ops: (r) => r.ops, cells: mbps('oneShot') },
        { key: 'fs', cells: mbps('fs') },
        { key: 'raw', cells: mbps('raw') },
        { key: 'wfa', cells: mbps('wfa') },
      ],
      ratioTo: [
        { key: 'fs', title: 'time ÷ stringify + fs.writeFile' },
        { key: 'raw', title: 'time ÷ stringify + raw-durable' },
      ],
      extra: ['throughput'],
    })
    tables.push(table)
    const dwRow = table.raw[0]
    const ratio = 1 / dwRow.ratios.fs
    const [lo, hi] = dwRow.intervals.fs
    data.push({ bytes: size, table: table.raw, throughputRatio: ratio })
    const oneShot = timings.oneShot.summary
    const auto = timings.dw.summary
    if (auto.median > 1.2 * oneShot.median) {
      notes.push(
        `At ${f.bytes(size)} the default (stream: 'auto') takes ${f.ms(auto.median)} (CPU ${f.ms(auto.cpuMedian)}) ` +
          `against ${f.ms(oneShot.median)} (CPU ${f.ms(oneShot.cpuMedian)}) with stream: false: ` +
          (dwRow.ops.writes > 1
            ? 'it streams through the JavaScript serializer instead of one native JSON.stringify.'
            : 'both write in one piece, so the difference is the size estimate that walks the whole value ' +
              'before JSON.stringify.'),
      )
    }
    if (bytes !== big) continue
    checks.push(
      check(
        `safeWriteJson throughput ÷ JSON.stringify + fs.writeFile at ${f.bytes(size)} (higher is better)`,
        ratio,
        '>=',
        0.7,
        f.ratio,
        [1 / hi, 1 / lo],
      ),
    )
    if (ratio < 0.7) {
      limits.push(
        `At ${f.bytes(size)} safeWriteJson streams (bounded memory) instead of calling the native JSON.stringify ` +
          `once: ${f.mbps(size, dwRow.median)} against ${f.mbps(size, timings.fs.summary.median)}. The equal-work ` +
          `baseline, stringify + raw-durable, reaches ${f.mbps(size, timings.raw.summary.median)}; the gap to it is ` +
          'the JavaScript serializer, not the syncs (one fsync and one directory fsync either way).',
      )
    }
  }
  return {
    tables,
    checks,
    limits,
    data,
    notes: [
      ...notes,
      'Throughput is JSON bytes ÷ median time per call. The target compares against stringify + fs.writeFile, which ' +
        'neither syncs nor is atomic; stringify + raw-durable is the equal-work row. ' +
        (big !== 200e6
          ? `Large size set to ${big / 1e6} MB (DW_BENCH_T9_BYTES or --quick), not 200 MB.`
          : ''),
    ],
  }
}
