import { spawn } from 'node:child_process'
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, packageRoot } from '../helpers/children.js'
import { tempDir } from '../helpers/tmp.js'

/*
 * A JSON value larger than memory allows to serialize in one piece, written by safeWriteJson in a child
 * process whose V8 heap is capped just above the value. Size: env DW_LARGE_JSON_BYTES (default 64 MiB;
 * e.g. DW_LARGE_JSON_BYTES=734003200 for a 700 MiB file).
 */

const MiB = 1024 * 1024
const DEFAULT_BYTES = 64 * MiB
const target = Number(process.env.DW_LARGE_JSON_BYTES ?? DEFAULT_BYTES)
if (!Number.isSafeInteger(target) || target < DEFAULT_BYTES) {
  throw new RangeError(
    `DW_LARGE_JSON_BYTES must be an integer of at least ${DEFAULT_BYTES} (64 MiB), got ${process.env.DW_LARGE_JSON_BYTES}; below that the heap cap cannot be made too small for the whole text and still leave room for garbage collection.`,
  )
}
const targetMiB = target / MiB

/** The value takes about 1.07 bytes of heap per byte of JSON (measured); 1.1 leaves a margin. */
const valueHeapMiB = Math.ceil(targetMiB * 1.1)
/** Heap above the value: enough for the collector to work, less than the JSON text needs. */
const headroomMiB = Math.min(96, Math.max(32, Math.round(targetMiB / 2)))
/** A small young generation, so that the heap limit V8 reports is close to the old-space cap. */
const SEMI_SPACE_MIB = 4
/** How much peak RSS may grow above the RSS of the built value while it is written. */
const MAX_GROWTH = 128 * MiB
/** Generous: building, writing and verifying run at tens of MiB per second on a loaded machine. */
const timeout = 60_000 + Math.ceil(targetMiB) * 600

const script = fileURLToPath(new URL('./fixtures/write-large.mjs', import.meta.url))

/** What the child measured (see the fixture). */
interface LargeReport {
  documents: number
  expectedBytes: number
  expectedVersion: string
  fileBytes: number
  fileVersion: string
  stats: {
    path: string
    changed: boolean
    bytesWritten: number
    version: string
    ops: { writes: number; fsyncs: number; dirFsyncs: number; renames: number }
  }
  memory: { heapFreeAfterBuild: number; growth: number }
  mib: Record<string, number>
  ms: Record<string, number>
}

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the fixture under the heap cap (no core file if V8 gives up on the heap). */
function runLarge(args: { file: string; sync: boolean; stream?: boolean }): Promise<Exit> {
  const node = [
    process.execPath,
    '--expose-gc',
    `--max-semi-space-size=${SEMI_SPACE_MIB}`,
    `--max-old-space-size=${valueHeapMiB + headroomMiB}`,
    script,
    JSON.stringify({ ...args, bytes: target }),
  ]
  const proc = spawn('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', ...node], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  proc.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s
  })
  proc.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
  })
  return new Promise((resolve, reject) => {
    proc.once('error', reject)
    proc.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

function bytesAt(file: string, position: number, length: number): string {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(length)
    const n = readSync(fd, buf, 0, length, position)
    return buf.subarray(0, n).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

beforeAll(ensureBuilt)

const apis = [
  { name: 'safeWriteJson', sync: false },
  { name: 'safeWriteJsonSync', sync: true },
]

describe.each(apis)('$name: a value whose JSON exceeds the heap left free', ({ sync }) => {
  it(
    `writes ${targetMiB} MiB+ of JSON with stream 'auto' under a heap cap too small for the whole text, peak RSS growing < 128 MiB, the file hashing like JSON.stringify of each element joined as JSON.stringify joins them`,
    async () => {
      const dir = tempDir()
      const file = join(dir, 'large.json')
      const exit = await runLarge({ file, sync })
      if (exit.code !== 0) {
        throw new Error(
          `The writing process failed (${exit.code ?? exit.signal}):\n${exit.stderr.slice(-4000)}`,
        )
      }
      const report = JSON.parse(exit.stdout) as LargeReport
      console.info(
        `large JSON (${sync ? 'sync' : 'async'}): ${JSON.stringify(report.mib)} ms ${JSON.stringify(report.ms)} writes ${report.stats.ops.writes}`,
      )

      // The heap cap is real: what was free after building the value could not hold the text as one string.
      expect(report.memory.heapFreeAfterBuild).toBeLessThan(report.expectedBytes)
      expect(report.memory.growth).toBeLessThan(MAX_GROWTH)

      expect(report.expectedBytes).toBeGreaterThanOrEqual(target)
      expect(report.fileBytes).toBe(report.expectedBytes)
      expect(report.fileVersion).toBe(report.expectedVersion)
      expect(report.stats).toMatchObject({
        path: file,
        changed: true,
        bytesWritten: report.expectedBytes,
        version: report.expectedVersion,
        ops: { fsyncs: 1, dirFsyncs: 1, renames: 1 },
      })
      expect(report.stats.ops.writes).toBeGreaterThan(1)

      // Seen from this process too: length, start and end of the file, and no temp file left.
      expect(statSync(file).size).toBe(report.expectedBytes)
      expect(bytesAt(file, 0, 41)).toBe('[\n  {\n    "id": 0,\n    "title": "Document')
      expect(bytesAt(file, report.expectedBytes - 8, 8)).toMatch(/"\n {2}}\n]\n$/)
      // No temp file left (listing, not snapshot(): that would read the whole file into one string).
      expect(readdirSync(dir)).toEqual(['large.json'])
    },
    timeout,
  )
})

describe('the heap cap of the test above', () => {
  it(
    'is too small for the same write with stream: false, which fails before creating any file',
    async () => {
      const dir = tempDir()
      const file = join(dir, 'large.json')
      const exit = await runLarge({ file, sync: false, stream: false })
      expect(exit.code).not.toBe(0)
      expect(exit.stderr).toMatch(/heap out of memory|ERR_SERIALIZE/)
      expect(readdirSync(dir)).toEqual([])
    },
    timeout,
  )
})
