// T1: one durable write of 1 KiB / 100 KiB / 1 MiB, against the raw floor and the peers.
import { join } from 'node:path'
import { text } from '../lib/data.mjs'
import * as f from '../lib/format.mjs'
import { sha256Ms } from '../lib/hash-cost.mjs'
import { formatOps } from '../lib/ops.mjs'
import { atomicallyWrite, LABELS, plainWrite, wfa } from '../lib/peers.mjs'
import { rawDurableWrite, rawDurableWriteSteps, rawWithExtraSyscalls } from '../lib/raw-durable.mjs'
import { median } from '../lib/stats.mjs'
import { extraSyscalls } from '../lib/strace.mjs'
import { plainTable, ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T1'
export const title = 'One durable write: 1 KiB / 100 KiB / 1 MiB'
export const target =
  '≤ 1.10 × raw-durable at every size; ≤ 0.75 × write-file-atomic at 1 KiB and 100 KiB and ≤ 1.0 × at 1 MiB'

const SIZES = [1024, 100 * 1024, 1024 * 1024]
const STEPS = ['open', 'write', 'fdatasync', 'close', 'rename', 'dirOpen', 'dirFsync', 'dirClose']

/** Median time of each step over the step-timed raw runs. */
const stepMedians = (runs) => Object.fromEntries(STEPS.map((s) => [s, median(runs.map((r) => r[s]))]))

export async function run({ dw, dir, quick, log, strace }) {
  const plan = quick ? { rounds: 15, perRound: 1 } : { rounds: 100, perRound: 1 }
  const tables = []
  const checks = []
  const limits = []
  const data = {}
  const breakdownRows = []
  for (const size of SIZES) {
    log(`${f.bytes(size)}`)
    const content = text(size)
    const at = (name) => join(dir, `${name}-${size}.txt`)
    const timings = await interleave(
      [
        { key: 'dw', label: LABELS.durableWrite, run: () => dw.writeFile(at('dw'), content) },
        { key: 'raw', label: LABELS.raw, run: () => rawDurableWrite(at('raw'), content) },
        { key: 'wfa', label: LABELS.wfa, run: () => wfa(at('wfa'), content) },
        {
          key: 'atomically',
          label: LABELS.atomically,
          run: () => atomicallyWrite(at('atomically'), content),
        },
        { key: 'fs', label: LABELS.fsWriteFile, run: () => plainWrite(at('fs'), content) },
        {
          key: 'extra',
          label: "raw-durable + durable-write's extra syscalls (lstat, fchmod, fsync for fdatasync)",
          run: () => rawWithExtraSyscalls(at('extra'), content),
        },
        // Not a table row: the raw sequence with each step timed, interleaved like the others.
        { key: 'steps', label: 'raw steps', run: () => rawDurableWriteSteps(at('steps'), content) },
      ],
      plan,
    )
    const ops = (r) => r.ops
    const table = timingTable({
      caption: f.bytes(size),
      timings,
      rows: [
        { key: 'dw', ops },
        { key: 'raw', ops },
        { key: 'wfa' },
        { key: 'atomically' },
        { key: 'fs' },
        { key: 'extra', opsText: 'as raw-durable, plus lstat 1 · fchmod 1 (fsync for fdatasync)' },
      ],
      ratioTo: [
        { key: 'raw', title: '÷ raw-durable' },
        { key: 'wfa', title: '÷ write-file-atomic' },
      ],
    })
    tables.push(table)
    const dwRow = table.raw[0]
    const vsRaw = dwRow.ratios.raw
    const vsWfa = dwRow.ratios.wfa
    const wfaLimit = size >= 1024 * 1024 ? 1.0 : 0.75
    checks.push(ratioCheck(`durable-write ÷ raw-durable at ${f.bytes(size)}`, dwRow, 'raw', 1.1))
    checks.push(ratioCheck(`durable-write ÷ write-file-atomic at ${f.bytes(size)}`, dwRow, 'wfa', wfaLimit))

    const steps = stepMedians(timings.steps.results)
    const floor = STEPS.reduce((a, s) => a + steps[s], 0)
    const syncs = steps.fdatasync + steps.dirFsync
    const hashMs = sha256Ms(content)
    breakdownRows.push([
      f.bytes(size),
      ...STEPS.map((s) => f.ms(steps[s])),
      f.ms(floor),
      `${Math.round((syncs / floor) * 100)}%`,
      f.ms(hashMs),
    ])
    data[size] = { table: table.raw, steps, sha256Ms: hashMs }

    const dwMed = timings.dw.summary.median
    const rawMed = timings.raw.summary.median
    const wfaMed = timings.wfa.summary.median
    if (vsRaw > 1.1) {
      const extraMed = timings.extra.summary.median
      limits.push(
        `${f.bytes(size)}: durable-write ${f.ms(dwMed)} vs raw-durable ${f.ms(rawMed)} (+${f.ms(dwMed - rawMed)} per ` +
          `write) with the same syncs (${formatOps(dwRow.ops)}). ${extraSyscalls(strace)}; the raw sequence with ` +
          `those calls takes ${f.ms(extraMed)} (+${f.ms(extraMed - rawMed)}). The rest, ${f.ms(dwMed - extraMed)}, ` +
          `is per-call work on the main thread: SHA-256 of the content for WriteStats.version (${f.ms(hashMs)} ` +
          'here) and JavaScript (options, the step runner, a promise per system call).',
      )
    }
    if (vsWfa > wfaLimit) {
      limits.push(
        `${f.bytes(size)}: write-file-atomic ${f.ms(wfaMed)} does not fsync the directory; in the raw sequence the ` +
          `directory open + fsync + close takes ${f.ms(steps.dirOpen + steps.dirFsync + steps.dirClose)} of ` +
          `${f.ms(floor)}, so the floor for a durable write is itself ${f.ratio(rawMed / wfaMed)} write-file-atomic here.`,
      )
    }
  }
  tables.push(
    plainTable(
      'Where the raw floor spends its time (median per step, ms)',
      ['size', ...STEPS, 'total', 'share of fdatasync + dir fsync', 'SHA-256 of the content (not in raw)'],
      breakdownRows,
    ),
  )
  return {
    tables,
    checks,
    limits,
    data,
    notes: [
      'Each call replaces an existing file of the same size. Data is an ASCII string. write-file-atomic and ' +
        'atomically fsync the file but not its directory; fs.writeFile neither syncs nor is atomic; they are ' +
        'shown for scale, not as equal work.',
    ],
  }
}
