import { statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { tempDir } from '../helpers/tmp.js'

beforeAll(ensureBuilt)

const streamMemory = new URL('./fixtures/stream-memory.mjs', import.meta.url)
const MiB = 1024 * 1024
/** Data written through the stream, in MiB (DW_STREAM_MIB to change it). */
const size = Number(process.env.DW_STREAM_MIB ?? 200)

interface MemoryReport {
  rssBefore: number
  maxRss: number
  bytesWritten: number
  version: string
  expectedVersion: string
  waits: number
  ms: number
}

/** Runs the fixture in a child process, so the measurement sees only the stream's own memory. */
async function measure(mib: number, mode: 'respect' | 'ignore') {
  const file = join(tempDir(), 'big.bin')
  const out = await succeeded(startChild(streamMemory, [file, String(mib), mode]))
  const report = JSON.parse(out.trim().split('\n').at(-1)!) as MemoryReport
  return { ...report, growth: report.maxRss - report.rssBefore, fileSize: statSync(file).size }
}

describe('an AtomicWriteStream under backpressure', () => {
  it(`writes ${size} MiB in 64 KiB chunks with memory bounded well under the data size`, async () => {
    const run = await measure(size, 'respect')
    expect(run.bytesWritten).toBe(size * MiB)
    expect(run.fileSize).toBe(size * MiB)
    expect(run.version).toBe(run.expectedVersion)
    // write() returned false and the producer waited for 'drain': the stream pushed back.
    expect(run.waits).toBeGreaterThan(0)
    expect(run.growth, `peak RSS grew by ${(run.growth / MiB).toFixed(1)} MiB in ${run.ms} ms`).toBeLessThan(
      Math.min(64, size / 2) * MiB,
    )
  })

  it('shows the data in RSS when the producer ignores backpressure (the measurement can see it)', async () => {
    const mib = 64
    const run = await measure(mib, 'ignore')
    expect(run.version).toBe(run.expectedVersion)
    expect(run.growth).toBeGreaterThan(0.75 * mib * MiB)
  })
})
