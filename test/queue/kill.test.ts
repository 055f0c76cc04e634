import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { recover } from '../../src/index.js'
import { ensureBuilt, startChild } from '../helpers/children.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'
import { fillOf } from './fixtures/versions.mjs'

beforeAll(ensureBuilt)

const burstWriter = new URL('./fixtures/burst-writer.mjs', import.meta.url)
const iterations =
  Number(process.env.DW_KILL_ITERATIONS) ||
  Math.round((reliabilityScale() > 1 ? 25 : 15) * reliabilityScale())

/** The version number the file holds; fails unless it is exactly one complete written version. */
function versionIn(file: string): number {
  const text = readFileSync(file, 'utf8')
  let parsed: { n?: unknown; fill?: unknown }
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Error(`${file} does not hold a complete version: ${text.slice(0, 80)}… (${text.length} bytes)`)
  }
  const { n } = parsed
  expect(typeof n).toBe('number')
  expect(Object.keys(parsed)).toEqual(['n', 'fill'])
  expect(parsed.fill === fillOf(n as number), `the fill of version ${n} is not the one written`).toBe(true)
  return n as number
}

describe('a WriteQueue killed with SIGKILL during bursts of writes', () => {
  it(
    `always leaves a complete version, and recover removes the leftovers (${iterations} kills)`,
    async () => {
      const dir = tempDir()
      const file = join(dir, 'state.json')
      for (let i = 0; i < iterations; i++) {
        // Child i numbers its versions from i × 10⁹, so the file shows which child wrote it.
        const first = i * 1_000_000_000
        const child = startChild(burstWriter, [file, String(first)])
        await child.line('ready')
        await sleep(Math.random() * 60)
        child.kill('SIGKILL')
        const exit = await child.exited
        expect(exit.signal, exit.stderr).toBe('SIGKILL')

        // A version of this child: its first burst had been flushed when it printed "ready".
        const n = versionIn(file)
        expect(n).toBeGreaterThanOrEqual(first)
        await recover(dir)
        expect(tempFilesIn(dir)).toEqual([])
        expect(versionIn(file)).toBe(n)
      }
      reportFigure('SIGKILLs survived', iterations, 'WriteQueue bursts')
    },
    Math.max(60_000, iterations * 2_000),
  )
})
