// T3: 64 concurrent durable writes to 64 files in one directory (group commit of directory fsyncs).
import { join } from 'node:path'
import { text } from '../lib/data.mjs'
import { formatOps, sumOps } from '../lib/ops.mjs'
import { atomicallyWrite, LABELS, wfa } from '../lib/peers.mjs'
import { rawDurableWrite } from '../lib/raw-durable.mjs'
import { median } from '../lib/stats.mjs'
import { check, ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T3'
export const title = '64 concurrent writes to 64 files in one directory'
export const target =
  '≤ 0.65 × Promise.all over write-file-atomic; directory fsyncs well below 64 (group commit)'

const FILES = 64
/** "Well below 64": at most one directory fsync per 8 writes. */
const DIR_SYNC_LIMIT = FILES / 8

export async function run({ dw, dir, quick, log }) {
  const plan = quick ? { rounds: 6, perRound: 1 } : { rounds: 20, perRound: 1 }
  const content = text(1024)
  const paths = (name) => Array.from({ length: FILES }, (_, i) => join(dir, `${name}-${i}.txt`))
  const all = (name, write) => {
    const ps = paths(name)
    return () => Promise.all(ps.map((p) => write(p, content)))
  }
  const writer = new dw.AtomicWriter()
  const dwPaths = paths('dw')
  log(`${FILES} × 1 KiB, ${plan.rounds} rounds`)
  const timings = await interleave(
    [
      {
        key: 'dw',
        label: `${LABELS.durableWrite}, one AtomicWriter`,
        run: async () => {
          const before = writer.dirSyncsIssued()
          const stats = await Promise.all(dwPaths.map((p) => writer.writeFile(p, content)))
          return { ops: sumOps(stats.map((s) => s.ops)), issued: writer.dirSyncsIssued() - before }
        },
      },
      { key: 'raw', label: `Promise.all over ${LABELS.raw}`, run: all('raw', rawDurableWrite) },
      { key: 'wfa', label: `Promise.all over ${LABELS.wfa}`, run: all('wfa', wfa) },
      { key: 'atomically', label: `Promise.all over ${LABELS.atomically}`, run: all('at', atomicallyWrite) },
    ],
    plan,
  )
  const issued = timings.dw.results.map((r) => r.issued)
  const issuedMedian = median(issued)
  const table = timingTable({
    caption: `${FILES} files × 1 KiB, all started at once (time for the whole burst)`,
    timings,
    rows: [
      {
        key: 'dw',
        ops: (r) => r.ops,
        cells: () => [`${issuedMedian} (min ${Math.min(...issued)}, max ${Math.max(...issued)})`],
      },
      { key: 'raw', cells: () => [String(FILES)] },
      { key: 'wfa', cells: () => ['0'] },
      { key: 'atomically', cells: () => ['0'] },
    ],
    ratioTo: [
      { key: 'wfa', title: '÷ write-file-atomic' },
      { key: 'raw', title: '÷ raw-durable' },
    ],
    extra: ['directory fsyncs issued per burst'],
  })
  const dwRow = table.raw[0]
  const checks = [
    ratioCheck('durable-write ÷ Promise.all over write-file-atomic', dwRow, 'wfa', 0.65),
    check(
      `directory fsyncs issued per burst of ${FILES} (median; "well below" = ≤ ${DIR_SYNC_LIMIT})`,
      issuedMedian,
      '<=',
      DIR_SYNC_LIMIT,
      String,
    ),
  ]
  const limits = []
  if (dwRow.ratios.wfa > 0.65) {
    limits.push(
      `durable-write makes ${FILES} file fsyncs like write-file-atomic, plus ${issuedMedian} shared directory fsyncs ` +
        `(WriteStats sum per burst: ${formatOps(dwRow.ops)}; dirFsyncs there counts waits, not syncs issued). ` +
        `Both run ${FILES} fsyncs through the libuv pool (${process.env.UV_THREADPOOL_SIZE ?? 4} threads), so the ` +
        'burst is bounded by the file fsyncs, which group commit does not remove.',
    )
  }
  if (issuedMedian > DIR_SYNC_LIMIT) {
    limits.push(
      `${issuedMedian} directory fsyncs per burst: renames finished while a sync was running start another.`,
    )
  }
  return {
    tables: [table],
    checks,
    limits,
    data: { table: table.raw, dirSyncsIssued: issued },
    notes: [
      'Directory fsyncs issued come from AtomicWriter.dirSyncsIssued() on a dedicated writer; the WriteStats ' +
        `sum counts ${FILES} directory syncs waited for (each write reports the one it joined). ` +
        'write-file-atomic and atomically issue no directory fsync at all, so they are less durable than the ' +
        'durable-write and raw-durable rows.',
    ],
  }
}
