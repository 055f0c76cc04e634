// T2: the same single durable write through the synchronous API, against the raw sync sequence.
import { join } from 'node:path'
import { text } from '../lib/data.mjs'
import * as f from '../lib/format.mjs'
import { sha256Ms } from '../lib/hash-cost.mjs'
import { formatOps } from '../lib/ops.mjs'
import { atomicallyWriteSync, LABELS, plainWriteSync, wfaSync } from '../lib/peers.mjs'
import { rawDurableWriteSync } from '../lib/raw-durable.mjs'
import { extraSyscalls } from '../lib/strace.mjs'
import { ratioCheck, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T2'
export const title = 'One durable write, synchronous: writeFileSync'
export const target = '≤ 1.10 × the raw sync sequence'

const SIZES = [1024, 100 * 1024, 1024 * 1024]

export async function run({ dw, dir, quick, log, strace }) {
  const plan = quick ? { rounds: 10, perRound: 1 } : { rounds: 100, perRound: 1 }
  const tables = []
  const checks = []
  const limits = []
  for (const size of SIZES) {
    log(f.bytes(size))
    const content = text(size)
    const at = (name) => join(dir, `${name}-${size}.txt`)
    const timings = await interleave(
      [
        { key: 'dw', label: 'durable-write writeFileSync', run: () => dw.writeFileSync(at('dw'), content) },
        {
          key: 'raw',
          label: 'raw-durable sync sequence',
          run: () => rawDurableWriteSync(at('raw'), content),
        },
        { key: 'wfa', label: `${LABELS.wfa}, sync`, run: () => wfaSync(at('wfa'), content) },
        {
          key: 'atomically',
          label: `${LABELS.atomically}, sync`,
          run: () => atomicallyWriteSync(at('atomically'), content),
        },
        {
          key: 'fs',
          label: 'fs.writeFileSync (not atomic, no fsync)',
          run: () => plainWriteSync(at('fs'), content),
        },
      ],
      plan,
    )
    const ops = (r) => r?.ops
    const table = timingTable({
      caption: f.bytes(size),
      timings,
      rows: [{ key: 'dw', ops }, { key: 'raw', ops }, { key: 'wfa' }, { key: 'atomically' }, { key: 'fs' }],
      ratioTo: [{ key: 'raw', title: '÷ raw sync' }],
    })
    tables.push(table)
    const [dwRow, rawRow] = table.raw
    checks.push(ratioCheck(`writeFileSync ÷ raw sync sequence at ${f.bytes(size)}`, dwRow, 'raw', 1.1))
    if (dwRow.ratios.raw > 1.1) {
      limits.push(
        `${f.bytes(size)}: writeFileSync ${f.ms(dwRow.median)} vs raw ${f.ms(rawRow.median)} ` +
          `(+${f.ms(dwRow.median - rawRow.median)}), with the same syncs (${formatOps(dwRow.ops)} vs ` +
          `${formatOps(rawRow.ops)}). ${extraSyscalls(strace)} (traced on the async API; the sync runner runs ` +
          'the same protocol). The rest is per-call work on the main thread: SHA-256 of the content ' +
          `(${f.ms(sha256Ms(content))} here) and JavaScript.`,
      )
    }
  }
  return {
    tables,
    checks,
    limits,
    notes: [
      'Blocking calls on the main thread: no libuv pool hop, so per-call overhead shows more than in T1.',
    ],
  }
}
