import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

/** Processes and increments per process; raise them with DURABLE_WRITE_TEST_PROCESSES / _INCREMENTS. */
const processes = Number(process.env.DURABLE_WRITE_TEST_PROCESSES ?? 8)
const increments = Number(process.env.DURABLE_WRITE_TEST_INCREMENTS ?? 250)
const total = processes * increments

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

/** Runs `processes` copies of a counting fixture on one file and returns what each one printed. */
async function race(fixture: string, file: string): Promise<{ seen: number[]; conflicts?: number }[]> {
  const script = new URL(`./fixtures/${fixture}`, import.meta.url)
  const children = Array.from({ length: processes }, () => startChild(script, [file, String(increments)]))
  const outputs = await Promise.all(children.map(succeeded))
  return outputs.map((out) => JSON.parse(out.trim().split('\n').at(-1) ?? ''))
}

/** 1, 2, ... n */
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe(`${processes} processes × ${increments} increments of one counter`, () => {
  it('updateJson loses no increment, and every process saw distinct values', async () => {
    const dir = tempDir()
    const file = join(dir, 'counter.json')
    const results = await race('count-update-json.mjs', file)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: total })
    for (const { seen } of results) expect(seen).toHaveLength(increments)
    // Each increment produced its own value: no two read-modify-writes saw the same state.
    expect(results.flatMap((r) => r.seen).sort((a, b) => a - b)).toEqual(oneTo(total))
    expect(tempFilesIn(dir)).toEqual([])
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('a compare-and-swap loop (readVersioned, then writeFile with lock and ifMatch) loses no increment', async () => {
    const dir = tempDir()
    const file = join(dir, 'counter.txt')
    fsWriteFileSync(file, '0')
    const results = await race('count-cas.mjs', file)
    expect(readFileSync(file, 'utf8')).toBe(String(total))
    // Every successful swap wrote a value nobody else wrote: the losers got ERR_CONFLICT and retried.
    expect(results.flatMap((r) => r.seen).sort((a, b) => a - b)).toEqual(oneTo(total))
    expect(tempFilesIn(dir)).toEqual([])
    expect(existsSync(`${file}.lock`)).toBe(false)
  })
})
