import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeFs, versionOf, type WriteStats } from '../../src/index.js'
import { faultyFs, type RecordingFs, recordingFs } from '../helpers/fault-fs.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'
import { calls, countOf } from '../helpers/trace.js'
import { newQueue } from './new-queue.js'

/** Renames onto `target` recorded in the trace. */
function renamesOnto(fs: RecordingFs, target: string): number {
  return countOf(fs.trace, (e) => calls('rename')(e) && e.to === target)
}

/** Maps the version of each request's data to the request's number. */
function versionIndex(data: readonly string[]): Map<string, number> {
  return new Map(data.map((d, i) => [versionOf(d), i]))
}

/** Every resolved write carries this request's data or newer data of the same path. */
function expectAtLeastAsNew(results: readonly WriteStats[], data: readonly string[]): void {
  const index = versionIndex(data)
  results.forEach((stats, own) => {
    const carried = index.get(stats.version)
    expect(carried, `request ${own} resolved with an unknown version`).toBeDefined()
    expect(carried!, `request ${own} resolved with older data`).toBeGreaterThanOrEqual(own)
  })
}

/** Resolves with `promise`'s value, or rejects if it does not settle within `ms` (a generous bound). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

describe('WriteQueue coalescing', () => {
  it('turns a burst of 10,000 writes to one path into at most 3 physical writes of the newest data', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs })
    const file = join(tempDir(), 'state.json')
    const data = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ seq: i, pad: 'x'.repeat(i % 97) }))
    const promises = data.map((d) => queue.write(file, d))

    const results = await Promise.all(promises)
    expect(readFileSync(file, 'utf8')).toBe(data.at(-1))
    expect(queue.stats.performed).toBeLessThanOrEqual(3)
    expect(renamesOnto(fs, file)).toBe(queue.stats.performed)
    expect(queue.stats.requested).toBe(10_000)
    expect(queue.stats.coalesced).toBe(10_000 - queue.stats.performed)
    expect(queue.stats.failed).toBe(0)
    expectAtLeastAsNew(results, data)
    expect(results.at(-1)!.version).toBe(versionOf(data.at(-1)!))
    expect(tempFilesIn(dirname(file))).toEqual([])
  })

  it('keeps the newest data of each path when writes to several paths interleave', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, concurrency: 2 })
    const dir = tempDir()
    const files = Array.from({ length: 5 }, (_, i) => join(dir, `f${i}.txt`))
    const sent = files.map(() => [] as string[])
    const pending = files.map(() => [] as Promise<WriteStats>[])
    for (let round = 0; round < 200; round++) {
      files.forEach((file, i) => {
        const d = `${file} round ${round}`
        sent[i]!.push(d)
        pending[i]!.push(queue.write(file, d))
      })
    }

    for (const [i, file] of files.entries()) {
      const results = await Promise.all(pending[i]!)
      expect(readFileSync(file, 'utf8')).toBe(sent[i]!.at(-1))
      expectAtLeastAsNew(results, sent[i]!)
      expect(results.every((s) => s.path === file)).toBe(true)
      expect(renamesOnto(fs, file)).toBeLessThanOrEqual(3)
    }
    expect(queue.stats.requested).toBe(1000)
    expect(queue.stats.performed).toBe(countOf(fs.trace, calls('rename')))
    expect(queue.stats.coalesced).toBe(1000 - queue.stats.performed)
  })

  it('writes again after the write in flight when newer data arrives meanwhile', async () => {
    const queue = newQueue()
    const file = join(tempDir(), 'a.txt')
    const first = queue.write(file, 'one')
    const second = queue.write(file, 'two')
    const [a, b] = await Promise.all([first, second])
    expect(a.version).toBe(versionOf('one'))
    expect(b.version).toBe(versionOf('two'))
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(queue.stats).toEqual({ requested: 2, performed: 2, coalesced: 0, failed: 0 })
  })
})

describe('WriteQueue flush and close', () => {
  it('flush cuts delays short: everything requested so far is on disk when it resolves', async () => {
    const fs = recordingFs(nodeFs())
    const queue = newQueue({ fs, delayMs: 600_000 })
    const dir = tempDir()
    const files = ['a', 'b', 'c'].map((n) => join(dir, n))
    const settled: boolean[] = []
    for (const [i, file] of files.entries()) {
      for (const n of [1, 2, 3]) {
        const at = settled.push(false) - 1
        void queue.write(file, `${i}:${n}`).then(() => (settled[at] = true))
      }
    }
    await new Promise((r) => setTimeout(r, 20))
    expect(countOf(fs.trace, calls('rename'))).toBe(0)

    // Far shorter than the delay: a flush that waited for it would fail here.
    await within(queue.flush(), 20_000, 'flush')
    for (const [i, file] of files.entries()) expect(readFileSync(file, 'utf8')).toBe(`${i}:3`)
    expect(settled.every(Boolean)).toBe(true)
    expect(queue.stats.performed).toBe(3)
    expect(countOf(fs.trace, calls('rename'))).toBe(3)
  })

  it('flush waits for a write in flight and for the data queued behind it', async () => {
    const queue = newQueue()
    const file = join(tempDir(), 'a.txt')
    void queue.write(file, 'in flight')
    void queue.write(file, 'queued')
    await queue.flush()
    expect(readFileSync(file, 'utf8')).toBe('queued')
    expect(queue.stats.performed).toBe(2)
  })

  it('close flushes, removes its exit hooks, then rejects later writes with ERR_CLOSED', async () => {
    const before = process.listenerCount('exit')
    const queue = newQueue({ delayMs: 600_000 })
    const file = join(tempDir(), 'a.txt')
    const written = queue.write(file, 'last words')
    expect(process.listenerCount('exit')).toBe(before + 1)

    await within(queue.close(), 20_000, 'close')
    expect(readFileSync(file, 'utf8')).toBe('last words')
    await expect(written).resolves.toMatchObject({ version: versionOf('last words') })
    expect(process.listenerCount('exit')).toBe(before)
    const err = await queue.write(file, 'too late').catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'DurableWriteError', code: 'ERR_CLOSED' })
    expect(readFileSync(file, 'utf8')).toBe('last words')
    expect(queue.stats.requested).toBe(1)
  })
})

describe('WriteQueue failures', () => {
  const eioOnFirstRename = () =>
    faultyFs(nodeFs(), { failAt: 1, code: 'EIO', only: (call) => call.method === 'rename' })

  it('rejects only the callers whose data the failed write carried; the next write succeeds', async () => {
    const fs = eioOnFirstRename()
    const queue = newQueue({ fs })
    const dir = tempDir()
    const file = join(dir, 'a.txt')
    const first = queue.write(file, 'carried by the failing write')
    const second = queue.write(file, 'carried by the next write')
    const third = queue.write(file, 'newest')

    await expect(first).rejects.toMatchObject({ code: 'EIO', syscall: 'rename' })
    await expect(second).resolves.toMatchObject({ version: versionOf('newest') })
    await expect(third).resolves.toMatchObject({ version: versionOf('newest') })
    expect(fs.injected).toHaveLength(1)
    expect(queue.stats).toEqual({ requested: 3, performed: 2, coalesced: 1, failed: 1 })
    expect(readFileSync(file, 'utf8')).toBe('newest')
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('rejects every caller coalesced into a failed write and keeps the old content', async () => {
    const fs = eioOnFirstRename()
    const queue = newQueue({ fs, delayMs: 20 })
    const dir = tempDir()
    const file = join(dir, 'a.txt')
    await newQueue().write(file, 'old')
    const results = await Promise.allSettled([1, 2, 3].map((n) => queue.write(file, `new ${n}`)))

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBe(fs.injected[0]!.error)
    expect(readFileSync(file, 'utf8')).toBe('old')
    expect(tempFilesIn(dir)).toEqual([])
    expect(queue.stats).toMatchObject({ requested: 3, performed: 1, failed: 1 })

    await expect(queue.write(file, 'retried')).resolves.toMatchObject({ version: versionOf('retried') })
    expect(readFileSync(file, 'utf8')).toBe('retried')
    expect(queue.stats.failed).toBe(1)
  })

  it('flush resolves after a failed write instead of waiting forever', async () => {
    const queue = newQueue({ fs: eioOnFirstRename(), delayMs: 600_000 })
    const file = join(tempDir(), 'a.txt')
    const failed = queue.write(file, 'x').catch((e: unknown) => e)
    await within(queue.flush(), 20_000, 'flush')
    expect(await failed).toMatchObject({ code: 'EIO' })
    expect(queue.stats.failed).toBe(1)
  })
})
