import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { nodeFs, type WriteStats } from '../../src/index.js'
import { type RecordingFs, recordingFs } from '../helpers/fault-fs.js'
import { tempDir } from '../helpers/tmp.js'
import { calls, countOf, type Trace } from '../helpers/trace.js'
import { newQueue } from './new-queue.js'

const isTemp = (path: string | undefined) => path?.endsWith('.dwtmp') === true

/**
 * The largest number of temp files that existed at once, from the ticks of the trace: a temp file
 * counts from the issue of its open to the completion of its rename (or unlink).
 */
function maxTempsAtOnce(trace: Trace): number {
  const events: [tick: number, delta: number][] = []
  for (const e of trace) {
    if (e.method === 'open' && isTemp(e.path)) events.push([e.start, +1])
    if ((e.method === 'rename' || e.method === 'unlink') && isTemp(e.path))
      events.push([e.end ?? Infinity, -1])
  }
  let now = 0
  let max = 0
  for (const [, delta] of events.sort((a, b) => a[0] - b[0])) {
    now += delta
    max = Math.max(max, now)
  }
  return max
}

/** Index in the trace of the rename onto `target`. */
function renameIndex(fs: RecordingFs, target: string): number {
  return fs.trace.findIndex((e) => e.method === 'rename' && e.to === target)
}

/** Resolves with `promise`'s value, or rejects if it does not settle within `ms` (a generous bound). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

describe('WriteQueue concurrency', () => {
  it.each([1, 2, 3])(
    'never has more than concurrency: %i paths being written at once',
    async (concurrency) => {
      const fs = recordingFs(nodeFs())
      const queue = newQueue({ fs, concurrency })
      const dir = tempDir()
      const files = Array.from({ length: 8 }, (_, i) => join(dir, `f${i}.txt`))
      await Promise.all(
        files.flatMap((file) => [queue.write(file, `${file} 1`), queue.write(file, `${file} 2`)]),
      )
      for (const file of files) expect(readFileSync(file, 'utf8')).toBe(`${file} 2`)
      expect(maxTempsAtOnce(fs.trace)).toBeGreaterThanOrEqual(1)
      expect(maxTempsAtOnce(fs.trace)).toBeLessThanOrEqual(concurrency)
    },
  )

  it('writes paths in parallel up to the limit', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, concurrency: 8 })
    const dir = tempDir()
    const files = Array.from({ length: 8 }, (_, i) => join(dir, `f${i}.txt`))
    await Promise.all(files.map((file) => queue.write(file, file)))
    // All eight start before the first one's open has completed.
    expect(maxTempsAtOnce(fs.trace)).toBeGreaterThan(1)
  })
})

describe('WriteQueue priorities', () => {
  it("makes a 'high' write durable before the normal writes of other paths waiting for a slot", async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, concurrency: 1 })
    const dir = tempDir()
    const normal = Array.from({ length: 6 }, (_, i) => join(dir, `normal${i}.txt`))
    const urgent = join(dir, 'urgent.txt')
    const resolved: string[] = []
    const track = (path: string, p: Promise<WriteStats>) => p.then(() => resolved.push(path))
    const all = normal.map((file) => track(file, queue.write(file, 'normal')))
    all.push(track(urgent, queue.write(urgent, 'urgent', { priority: 'high' })))
    await Promise.all(all)

    // normal0 took the only slot at once; the high write goes next, ahead of normal1..5.
    expect(resolved).toEqual([normal[0], urgent, ...normal.slice(1)])
    const urgentRename = renameIndex(fs, urgent)
    expect(urgentRename).toBeGreaterThan(renameIndex(fs, normal[0]!))
    for (const file of normal.slice(1)) expect(renameIndex(fs, file)).toBeGreaterThan(urgentRename)
    // Durable first: the directory sync after the urgent rename precedes the next normal rename.
    const dirSync = fs.trace.findIndex(
      (e, i) => i > urgentRename && (e.method === 'fsync' || e.method === 'fdatasync') && e.path === dir,
    )
    expect(dirSync).toBeGreaterThan(urgentRename)
    expect(dirSync).toBeLessThan(renameIndex(fs, normal[1]!))
  })

  it("writes a 'high' request at once even when the queue delays normal ones", async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, delayMs: 600_000 })
    const dir = tempDir()
    const slow = join(dir, 'slow.txt')
    const fast = join(dir, 'fast.txt')
    let slowDone = false
    void queue.write(slow, 'later').then(() => (slowDone = true))
    await within(queue.write(fast, 'now', { priority: 'high' }), 10_000, "the 'high' write")
    expect(readFileSync(fast, 'utf8')).toBe('now')
    expect(slowDone).toBe(false)
    expect(renameIndex(fs, slow)).toBe(-1)
  })

  it("lets a 'high' request carry the pending data of its path past the delay", async () => {
    const queue = newQueue({ delayMs: 600_000 })
    const file = join(tempDir(), 'a.txt')
    const normal = queue.write(file, 'first')
    const high = queue.write(file, 'second', { priority: 'high' })
    const [a, b] = await within(Promise.all([normal, high]), 10_000, 'both writes')
    expect(a.version).toBe(b.version)
    expect(readFileSync(file, 'utf8')).toBe('second')
    expect(queue.stats).toMatchObject({ requested: 2, performed: 1, coalesced: 1 })
  })
})

describe('WriteQueue delays', () => {
  it('does not start a write before delayMs and coalesces the writes made meanwhile', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, delayMs: 400 })
    const file = join(tempDir(), 'a.txt')
    let settled = false
    const first = queue.write(file, 'one')
    void first.then(() => (settled = true))
    expect(countOf(fs.trace, calls(['open', 'rename']))).toBe(0)

    // A timer due before the queue's fires first, however slow the machine, and its continuation
    // runs before the next timer.
    await sleep(40)
    const second = queue.write(file, 'two')
    await sleep(40)
    expect(countOf(fs.trace, calls(['open', 'rename']))).toBe(0)
    expect(settled).toBe(false)

    const [a, b] = await Promise.all([first, second])
    expect(a.version).toBe(b.version)
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(countOf(fs.trace, calls('rename'))).toBe(1)
    expect(queue.stats).toMatchObject({ requested: 2, performed: 1, coalesced: 1 })
  })

  it('writes within maxDelayMs while writes keep coming faster than delayMs', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, delayMs: 50, maxDelayMs: 120 })
    const file = join(tempDir(), 'a.txt')
    const renames = () => countOf(fs.trace, calls('rename'))
    const promises: Promise<WriteStats>[] = []
    let n = 0
    // Every write restarts the 50 ms delay; only maxDelayMs can force a write while they keep coming.
    while (renames() === 0 && n < 200) {
      promises.push(queue.write(file, `write ${n++}`))
      await sleep(10)
    }
    const renamedWhileWriting = renames() > 0
    await Promise.all(promises)
    expect(renamedWhileWriting).toBe(true)
    expect(n).toBeLessThan(200)
    expect(readFileSync(file, 'utf8')).toBe(`write ${n - 1}`)
  })

  it('restarts the delay at every write while no maxDelayMs is reached', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, delayMs: 500, maxDelayMs: 600_000 })
    const file = join(tempDir(), 'a.txt')
    for (let n = 0; n < 30; n++) {
      void queue.write(file, `write ${n}`)
      // Due long before the queue's timer, this one fires first even on a stalled machine, and the
      // next write restarts the delay before the queue's timer can fire.
      await sleep(25)
    }
    // 30 writes 25 ms apart span longer than one delay: a delay that did not restart has run out.
    expect(countOf(fs.trace, calls('rename'))).toBe(0)
    await queue.flush()
    expect(countOf(fs.trace, calls('rename'))).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('write 29')
  })
})
