import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { recover } from '../../src/index.js'
import { type Child, ensureBuilt, startChild } from '../helpers/children.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

/** Processes, increments each, and holders killed; raise them with DURABLE_WRITE_CHAOS_* variables. */
const processes = Number(process.env.DURABLE_WRITE_CHAOS_PROCESSES ?? 8)
const increments = Number(process.env.DURABLE_WRITE_CHAOS_INCREMENTS ?? 250)
const kills = Number(process.env.DURABLE_WRITE_CHAOS_KILLS ?? 6)
const seed = Number(process.env.DURABLE_WRITE_CHAOS_SEED ?? Date.now() % 100_000)

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

/** The lock's stale time: every 10th pause outlasts it. */
const STALE = 2000
const script = new URL('./fixtures/count-update-json-lines.mjs', import.meta.url)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** mulberry32: a small seeded generator, so that a failing run can be repeated with its seed. */
function random(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The pid in the lock's owner record: the process holding the lock now (or a moment ago). */
function holderPid(lockPath: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(lockPath, 'owner'), 'utf8')) as { pid: number }).pid
  } catch {
    return undefined
  }
}

/** One worker: a process counting `quota` increments, replaced by a new one if it is killed. */
interface Worker {
  child: Child
  quota: number
}

describe(`${processes} processes × ${increments} updateJson while holders are SIGSTOPped and SIGKILLed (seed ${seed})`, () => {
  it('commit exactly the increments they report, each on its own value: no two commits at once', async () => {
    const rand = random(seed)
    const dir = tempDir()
    const file = join(dir, 'counter.json')
    const lockPath = `${file}.lock`
    const reported: number[] = []
    let killed = 0
    let paused = 0
    let observed = 0
    const failures: string[] = []
    const live = new Set<Worker>()
    const start = (quota: number) => {
      const child = startChild(script, [file, String(quota), String(STALE)])
      const worker = { child, quota }
      live.add(worker)
      child.exited.then((exit) => {
        live.delete(worker)
        const values = exit.stdout
          .split('\n')
          .filter((line) => line.startsWith('v '))
          .map((line) => Number(line.slice(2)))
        reported.push(...values)
        if (exit.signal === 'SIGKILL') {
          // Its increment in flight may have committed unreported; the rest of its quota goes on.
          if (quota > values.length) start(quota - values.length)
        } else if (exit.code !== 0 || !exit.stdout.endsWith('done\n')) {
          failures.push(`A counting process failed (${exit.code ?? exit.signal}):\n${exit.stderr}`)
        }
      })
      return worker
    }
    for (let i = 0; i < processes; i++) start(increments)

    // Meanwhile: find the holder by its owner record, then pause it (and resume it) or kill it.
    while (live.size > 0) {
      await sleep(10 + rand() * 60)
      const pid = holderPid(lockPath)
      const worker = [...live].find((w) => w.child.pid === pid && w.child.running)
      if (!worker) continue
      // Kills are spread over the run (every 7th holder seen); every other holder seen is paused.
      if (killed < kills && observed++ % 7 === 2) {
        killed++
        worker.child.kill('SIGKILL')
        await worker.child.exited
        continue
      }
      // A paused holder past `stale` keeps its lock: it is alive.
      const pause = paused++ % 10 === 5 ? STALE + 500 : 20 + rand() * 300
      worker.child.kill('SIGSTOP')
      await sleep(pause)
      worker.child.kill('SIGCONT')
    }
    // Let the exit handlers of the last processes record what they printed.
    await sleep(0)

    expect(failures).toEqual([])
    const final = (JSON.parse(readFileSync(file, 'utf8')) as { n: number }).n
    // Every increment a process reported is its own: no two read-modify-writes saw the same value.
    expect(new Set(reported).size).toBe(reported.length)
    expect(reported.length).toBe(processes * increments)
    expect(Math.max(...reported)).toBeLessThanOrEqual(final)
    // Increments committed but unreported: at most one per killed process, the one in flight.
    expect(final - reported.length).toBeGreaterThanOrEqual(0)
    expect(final - reported.length).toBeLessThanOrEqual(killed)
    expect(killed).toBe(kills)
    expect(paused).toBeGreaterThan(10)
    // The killed writers' temps are theirs to clean up only by recovery.
    await recover(dir)
    expect(tempFilesIn(dir)).toEqual([])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: final })
  }, 600_000)
})
