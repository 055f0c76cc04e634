// T10: 1 GiB from a stream through createWriteStream, against fs.createWriteStream + fsync.
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import { rename } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import * as f from '../lib/format.mjs'
import { sha256StreamMs } from '../lib/hash-cost.mjs'
import { check, timingTable } from '../lib/table.mjs'
import { interleave } from '../lib/timing.mjs'

export const id = 'T10'
export const title = '1 GiB from a stream: createWriteStream'
export const target = '≥ 0.9 × the throughput of fs.createWriteStream + fsync'

const CHUNK = 64 * 1024
const openFd = promisify(fs.open)
const fdatasync = promisify(fs.fdatasync)
const fsync = promisify(fs.fsync)
const close = promisify(fs.close)

/** A readable producing `total` bytes in 64 KiB chunks from memory (no disk read). */
function source(total) {
  const block = randomBytes(CHUNK)
  let left = total
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null)
        return
      }
      const n = Math.min(CHUNK, left)
      left -= n
      this.push(n === CHUNK ? block : block.subarray(0, n))
    },
  })
}

/** fs.createWriteStream on a descriptor it leaves open, then fdatasync and close. */
async function streamToFd(path, flags, total) {
  const fd = await openFd(path, flags)
  try {
    await pipeline(source(total), fs.createWriteStream(path, { fd, autoClose: false }))
    await fdatasync(fd)
  } finally {
    await close(fd)
  }
}

/** In place (truncate, write, fdatasync): not atomic. */
const plainStream = (path, total) => streamToFd(path, 'w', total)

/** Into a temp file, then rename and directory fsync: the raw durable sequence for a stream. */
async function rawStream(path, total) {
  const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.raw`)
  await streamToFd(temp, 'wx', total)
  await rename(temp, path)
  const d = await openFd(dirname(path), 'r')
  try {
    await fsync(d)
  } finally {
    await close(d)
  }
}

export async function run({ dw, dir, quick, log }) {
  const total = Number(process.env.DW_BENCH_T10_BYTES ?? (quick ? 128 * 2 ** 20 : 2 ** 30))
  const at = (name) => join(dir, `${name}.bin`)
  const removeAll = () => {
    for (const name of ['dw', 'fs', 'raw']) fs.rmSync(at(name), { force: true })
  }
  log(`${f.bytes(total)} per write`)
  const timings = await interleave(
    [
      {
        key: 'dw',
        label: 'durable-write createWriteStream (durable)',
        before: removeAll,
        run: async () => {
          const ws = dw.createWriteStream(at('dw'))
          await pipeline(source(total), ws)
          return ws.stats
        },
      },
      {
        key: 'fs',
        label: 'fs.createWriteStream + fdatasync (not atomic)',
        before: removeAll,
        run: () => plainStream(at('fs'), total),
      },
      {
        key: 'raw',
        label: 'fs.createWriteStream to a temp + fdatasync + rename + dir fsync (raw-durable)',
        before: removeAll,
        run: () => rawStream(at('raw'), total),
      },
    ],
    quick ? { rounds: 2, perRound: 1, warmup: 0 } : { rounds: 5, perRound: 1, warmup: 0 },
  )
  removeAll()
  const mbps = (key) => () => [f.mbps(total, timings[key].summary.median)]
  const table = timingTable({
    caption: `${f.bytes(total)} in ${CHUNK / 1024} KiB chunks from memory (the target is deleted before each write)`,
    timings,
    rows: [
      { key: 'dw', ops: (r) => r.ops, cells: mbps('dw') },
      { key: 'fs', cells: mbps('fs') },
      { key: 'raw', cells: mbps('raw') },
    ],
    ratioTo: [
      { key: 'fs', title: 'time ÷ fs.createWriteStream + fsync' },
      { key: 'raw', title: 'time ÷ raw-durable stream' },
    ],
    extra: ['throughput'],
  })
  const dwRow = table.raw[0]
  const ratio = 1 / dwRow.ratios.fs
  const checks = [
    check(
      'createWriteStream throughput ÷ fs.createWriteStream + fsync (higher is better)',
      ratio,
      '>=',
      0.9,
      f.ratio,
      [1 / dwRow.intervals.fs[1], 1 / dwRow.intervals.fs[0]],
    ),
  ]
  const limits = []
  if (ratio < 0.9) {
    const hashMs = sha256StreamMs(randomBytes(CHUNK), total)
    const rawMs = timings.raw.summary.median
    limits.push(
      `createWriteStream ${f.mbps(total, dwRow.median)} against ${f.mbps(total, timings.fs.summary.median)}. ` +
        `The temp file, rename and directory fsync alone (raw-durable stream row) take ${f.ms(rawMs)}, ` +
        `${f.ratio(rawMs / timings.fs.summary.median)} the in-place stream. On top, durable-write hashes every byte ` +
        `for WriteStats.version on the main thread (overlapped with each chunk's write on the pool): SHA-256 of ` +
        `${f.bytes(total)} takes ${f.ms(hashMs)} here; with 2 cores the hash competes with the pool threads ` +
        `(${dwRow.ops.writes} write calls for ${total / CHUNK} chunks).`,
    )
  }
  const notes = []
  if (total !== 2 ** 30)
    notes.push(`Size set to ${f.bytes(total)} (DW_BENCH_T10_BYTES or --quick), not 1 GiB.`)
  return { tables: [table], checks, limits, notes, data: { bytes: total, table: table.raw } }
}
