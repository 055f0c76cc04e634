// T4: an atomic batch of 100 files, and a 10-file transaction, against independent durable writes.
import { join } from 'node:path'
import { text } from '../lib/data.mjs'
import { formatOps, sumOps, syncCount } from '../lib/ops.mjs'
import { LABELS } from '../lib/peers.mjs'
import { rawDurableWrite } from '../lib/raw-durable.mjs'
import { median } from '../lib/stats.mjs'
import { check, ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T4'
export const title = 'batchWrite 100 × 1 KiB (atomic), and a 10-file writeTransaction'
export const target = '≤ 0.5 × 100 sequential raw-durable writes; fsyncs exactly N + 2D + 2'

const N = 100
const TX_FILES = 10

/** Runs an async function over a list sequentially; returns the results. */
async function sequential(list, fn) {
  const out = []
  for (const x of list) out.push(await fn(x))
  return out
}

/** Times a batch or transaction on a dedicated writer, with its op counts and directory syncs issued. */
const measured = (writer, call) => async () => {
  const before = writer.dirSyncsIssued()
  const stats = await call()
  return { ops: stats.ops, issued: writer.dirSyncsIssued() - before }
}

async function batchPart(dw, dir, quick, log) {
  const content = text(1024)
  const entries = (name) =>
    Array.from({ length: N }, (_, i) => ({ path: join(dir, name, `f${i}.txt`), data: content }))
  const batch = entries('batch')
  const independent = entries('independent')
  const raw = entries('raw')
  const seq = entries('seq')
  const writer = new dw.AtomicWriter({ mkdirs: true })
  const other = new dw.AtomicWriter({ mkdirs: true })
  // The first batch creates the files and the journal directory; its ops are reported on their own.
  const first = await measured(writer, () => writer.batchWrite(batch))()
  await other.batchWrite(independent, { atomic: false })
  for (const e of [...raw, ...seq]) await dw.writeFile(e.path, e.data)
  log(`batch of ${N}`)
  const timings = await interleave(
    [
      {
        key: 'batch',
        label: 'durable-write batchWrite (atomic)',
        run: measured(writer, () => writer.batchWrite(batch)),
      },
      {
        key: 'raw',
        label: `${N} sequential ${LABELS.raw}`,
        run: () => sequential(raw, (e) => rawDurableWrite(e.path, e.data)),
      },
      {
        key: 'independent',
        label: 'durable-write batchWrite (atomic: false)',
        run: measured(other, () => other.batchWrite(independent, { atomic: false })),
      },
      {
        key: 'seq',
        label: `${N} sequential durable-write writeFile`,
        run: async () => ({
          ops: sumOps((await sequential(seq, (e) => dw.writeFile(e.path, e.data))).map((s) => s.ops)),
        }),
      },
    ],
    quick ? { rounds: 2, perRound: 1, warmup: 0 } : { rounds: 10, perRound: 1, warmup: 0 },
  )
  const issued = (key) => `${median(timings[key].results.map((r) => r.issued))}`
  const table = timingTable({
    caption: `${N} files × 1 KiB in one directory (time per batch)`,
    timings,
    rows: [
      { key: 'batch', ops: (r) => r.ops, cells: () => [issued('batch')] },
      {
        key: 'raw',
        opsText: `write ${N} · fsync ${N} · dirFsync ${N} · rename ${N} (fixed sequence)`,
        cells: () => [String(N)],
      },
      { key: 'independent', ops: (r) => r.ops, cells: () => [issued('independent')] },
      { key: 'seq', ops: (r) => r.ops, cells: () => [''] },
    ],
    ratioTo: [{ key: 'raw', title: `÷ ${N} raw-durable` }],
    extra: ['directory fsyncs issued'],
  })
  const dwRow = table.raw[0]
  const D = 1
  const expected = N + 2 * D + 2
  const steady = dwRow.ops
  return {
    table,
    firstOps: first.ops,
    checks: [
      ratioCheck(`batchWrite ÷ ${N} sequential raw-durable writes`, dwRow, 'raw', 0.5),
      check(
        `batchWrite fsyncs (file + directory, WriteStats) = N + 2D + 2 = ${expected} (N ${N}, D ${D})`,
        syncCount(steady),
        '==',
        expected,
        String,
      ),
    ],
    limit:
      dwRow.ratios.raw > 0.5
        ? `batchWrite makes ${syncCount(steady)} syncs against ${2 * N} for ${N} raw writes, but its ${N} file ` +
          `fdatasyncs still run ${process.env.UV_THREADPOOL_SIZE ?? 4} at a time on the libuv pool; the batch also ` +
          `takes the journal lock and writes a manifest (${formatOps(steady)}).`
        : undefined,
  }
}

async function txPart(dw, dir, quick, log) {
  const content = text(1024)
  const paths = (name) => Array.from({ length: TX_FILES }, (_, i) => join(dir, name, `f${i}.txt`))
  const txPaths = paths('tx')
  const seqPaths = paths('txseq')
  const parPaths = paths('txpar')
  const writer = new dw.AtomicWriter({ mkdirs: true })
  const par = new dw.AtomicWriter({ mkdirs: true })
  const transaction = () =>
    writer.writeTransaction((tx) => {
      for (const p of txPaths) tx.writeFile(p, content)
    })
  await transaction()
  log(`transaction of ${TX_FILES}`)
  const timings = await interleave(
    [
      {
        key: 'tx',
        label: `durable-write writeTransaction (${TX_FILES} files)`,
        run: measured(writer, transaction),
      },
      {
        key: 'seq',
        label: `${TX_FILES} sequential durable-write writeFile`,
        run: async () => ({
          ops: sumOps((await sequential(seqPaths, (p) => dw.writeFile(p, content))).map((s) => s.ops)),
        }),
      },
      {
        key: 'par',
        label: `${TX_FILES} concurrent durable-write writeFile (Promise.all)`,
        run: async () => {
          const before = par.dirSyncsIssued()
          const stats = await Promise.all(parPaths.map((p) => par.writeFile(p, content)))
          return { ops: sumOps(stats.map((s) => s.ops)), issued: par.dirSyncsIssued() - before }
        },
      },
    ],
    quick ? { rounds: 5, perRound: 1 } : { rounds: 20, perRound: 1 },
  )
  const syncs = (key) => () => {
    const ops = sumOps([timings[key].results.at(-1).ops])
    const issued = timings[key].results.at(-1).issued
    return [String(syncCount(ops)), issued === undefined ? String(ops.dirFsyncs) : String(issued)]
  }
  const table = timingTable({
    caption: `${TX_FILES} files × 1 KiB: one transaction vs independent writes (time per group)`,
    timings,
    rows: [
      { key: 'tx', ops: (r) => r.ops, cells: syncs('tx') },
      { key: 'seq', ops: (r) => r.ops, cells: syncs('seq') },
      { key: 'par', ops: (r) => r.ops, cells: syncs('par') },
    ],
    ratioTo: [{ key: 'seq', title: '÷ sequential writes' }],
    extra: ['fsyncs waited (file + dir)', 'directory fsyncs issued'],
  })
  const expected = TX_FILES + 2 + 2
  return {
    table,
    checks: [
      check(
        `writeTransaction fsyncs (file + directory) = N + 2D + 2 = ${expected} (N ${TX_FILES}, D 1)`,
        syncCount(table.raw[0].ops),
        '==',
        expected,
        String,
      ),
    ],
  }
}

export async function run({ dw, dir, quick, log }) {
  const batch = await batchPart(dw, dir, quick, log)
  const tx = await txPart(dw, dir, quick, log)
  return {
    tables: [batch.table, tx.table],
    checks: [...batch.checks, ...tx.checks],
    limits: batch.limit ? [batch.limit] : [],
    data: { batch: batch.table.raw, firstBatchOps: batch.firstOps, transaction: tx.table.raw },
    notes: [
      `Steady state: the journal directory exists. The first batch, which creates it, made ${formatOps(batch.firstOps)} ` +
        `(${syncCount(batch.firstOps)} syncs). D is the number of target directories (1 here); the journal ` +
        "directory's own syncs are the +2 (manifest fsync and its directory fsync). Fsync counts are WriteStats " +
        'op counts: file fsyncs plus directory syncs waited for; "issued" comes from AtomicWriter.dirSyncsIssued().',
    ],
  }
}
