// T8: safeWriteJson of a value whose JSON is 1 GiB: the extra memory it needs, in a child process.
import { childScript, runChild } from '../lib/child.mjs'
import * as f from '../lib/format.mjs'
import { formatOps } from '../lib/ops.mjs'
import { check, plainTable } from '../lib/table.mjs'

export const id = 'T8'
export const title = 'safeWriteJson of a value whose JSON is 1 GiB'
export const target = 'peak RSS above the value itself ≤ 64 MiB (JSON.stringify cannot produce it at all)'

const LIMIT = 64 * 2 ** 20

export async function run({ dir, quick, log }) {
  const bytes = Number(process.env.DW_BENCH_T8_BYTES ?? (quick ? 64 * 2 ** 20 : 2 ** 30))
  log(`building and writing ${f.bytes(bytes)} of JSON in a child process`)
  const r = await runChild(childScript('big-json.mjs'), [bytes, dir], {
    execArgv: ['--expose-gc', '--max-old-space-size=8192'],
    timeoutMs: 10 * 60_000,
  })
  const above = r.peakRss - r.baselineRss
  const table = plainTable(
    `JSON of ${f.bytes(bytes)} requested (${f.bytes(r.bytesWritten)} written, ${r.items} records of ~4 KB)`,
    ['measure', 'value'],
    [
      ['RSS with the value built (after GC)', f.mib(r.baselineRss)],
      ['peak RSS during safeWriteJson', f.mib(r.peakRss)],
      ['peak above the value itself', f.mib(above)],
      ['how the peak was measured', r.peakSource],
      ['write time', `${f.ms(r.writeMs)} (${f.mbps(r.bytesWritten, r.writeMs)})`],
      ['ops (WriteStats)', formatOps(r.ops)],
      [
        `JSON.stringify(value, null, 2) (max string length ${r.maxStringLength})`,
        r.stringify.ok
          ? `succeeded: ${r.stringify.length} characters in ${f.ms(r.stringify.ms)}`
          : `threw ${r.stringify.error}`,
      ],
    ],
    r,
  )
  const checks = [check('peak RSS above the value, safeWriteJson', above, '<=', LIMIT, f.mib)]
  const notes = []
  if (r.stringify.ok) {
    notes.push(
      `At ${f.bytes(bytes)} JSON.stringify still works; it fails only above V8's maximum string length ` +
        `(${r.maxStringLength} characters). Run the full bench (1 GiB) to see it fail.`,
    )
  }
  if (bytes !== 2 ** 30)
    notes.push(`Size set to ${f.bytes(bytes)} (DW_BENCH_T8_BYTES or --quick), not 1 GiB.`)
  const limits =
    above > LIMIT
      ? [
          `The serializer holds ${f.mib(above)} beyond the value while writing: chunks queued ahead of the disk ` +
            'or a large part of the text built before it is written.',
        ]
      : []
  return { tables: [table], checks, limits, notes, data: r }
}
