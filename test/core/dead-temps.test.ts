import { existsSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { SweepSchedule, sweepDeadTemps } from '../../src/core/dead-temps.js'
import { beginTemp, endTemp } from '../../src/core/in-flight.js'
import { tempPathFor } from '../../src/core/temp-file.js'
import { everyWriterDead, tempLiveness, UNKNOWN_WRITER_MAX_AGE_MS } from '../../src/core/temp-liveness.js'
import { writeProtocol } from '../../src/core/write-protocol.js'
import type { FsLike } from '../../src/fs/fs-like.js'
import { selfWriter } from '../../src/fs/proc.js'
import { AtomicWriter, nodeFs } from '../../src/index.js'
import { resolveWriteOptions } from '../../src/options.js'
import { runAsync, runSync } from '../../src/steps/runner.js'
import { ensureBuilt, startChild } from '../helpers/children.js'
import { deadWriter, foreignWriter } from '../helpers/dead-writer.js'
import { interceptFs } from '../helpers/fault-fs.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

const linux = process.platform === 'linux'
const holdTemp = new URL('./fixtures/hold-temp.mjs', import.meta.url)

/** A pass-through fs that counts calls per method; each one is a file system of its own to the rate limit. */
function countingFs(): FsLike & { count: (method: string) => number } {
  const counts = new Map<string, number>()
  const fs = interceptFs(nodeFs(), (call, proceed) => {
    counts.set(call.method, (counts.get(call.method) ?? 0) + 1)
    return proceed()
  })
  return Object.assign(fs, { count: (m: string) => counts.get(m) ?? 0 })
}

function leftover(dir: string, writer = deadWriter(), txid = ''): string {
  const temp = tempPathFor(join(dir, 'a.txt'), txid, writer)
  writeFileSync(temp, 'half')
  return basename(temp)
}

function age(dir: string, name: string, ms: number): void {
  const t = (Date.now() - ms) / 1000
  utimesSync(join(dir, name), t, t)
}

const apis = [
  { name: 'writeFile', write: (w: AtomicWriter, p: string) => w.writeFile(p, 'new') },
  { name: 'writeFileSync', write: async (w: AtomicWriter, p: string) => w.writeFileSync(p, 'new') },
]

describe.runIf(linux).each(apis)('a write ($name) sweeps its directory', ({ write }) => {
  it('removes the temp of a dead writer and counts the unlink', async () => {
    const dir = tempDir()
    const dead = leftover(dir)
    const stats = await write(new AtomicWriter({ fs: countingFs() }), join(dir, 'b.txt'))
    expect(tempFilesIn(dir)).toEqual([])
    expect(stats.ops.unlinks).toBe(1)
    expect(existsSync(join(dir, dead))).toBe(false)
  })

  it('keeps a temp this thread is writing, of a foreign world while fresh, and of version 0.1 while fresh', async () => {
    const dir = tempDir()
    const own = leftover(dir, selfWriter())
    beginTemp(join(dir, own))
    onTestFinished(() => endTemp(join(dir, own)))
    const foreign = leftover(dir, foreignWriter())
    writeFileSync(join(dir, '.a.txt.0123456789abcdef.dwtmp'), 'old')
    const stats = await write(new AtomicWriter({ fs: countingFs() }), join(dir, 'b.txt'))
    expect(stats.ops.unlinks).toBe(0)
    expect(tempFilesIn(dir).sort()).toEqual([own, foreign, '.a.txt.0123456789abcdef.dwtmp'].sort())
  })

  it('removes a temp of a foreign world or of version 0.1 once unmodified for an hour', async () => {
    const dir = tempDir()
    const foreign = leftover(dir, foreignWriter())
    const old = '.a.txt.0123456789abcdef.dwtmp'
    writeFileSync(join(dir, old), 'old')
    age(dir, foreign, UNKNOWN_WRITER_MAX_AGE_MS + 60_000)
    age(dir, old, UNKNOWN_WRITER_MAX_AGE_MS + 60_000)
    const stats = await write(new AtomicWriter({ fs: countingFs() }), join(dir, 'b.txt'))
    expect(stats.ops.unlinks).toBe(2)
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('leaves the temps of transactions, which only recovery may remove', async () => {
    const dir = tempDir()
    const tx = leftover(dir, deadWriter(), '0123abcd')
    await write(new AtomicWriter({ fs: countingFs() }), join(dir, 'b.txt'))
    expect(tempFilesIn(dir)).toEqual([tx])
  })
})

describe.runIf(linux)('temps of real child processes', () => {
  ensureBuilt()
  it('are kept while the child lives (stopped) and removed by the next write once it is killed', async () => {
    const dir = tempDir()
    const child = startChild(holdTemp, [join(dir, 'a.txt')])
    const temp = basename((await child.line(/^temp /)).slice(5))
    child.kill('SIGSTOP')
    await new AtomicWriter({ fs: countingFs() }).writeFile(join(dir, 'b.txt'), 'x')
    expect(tempFilesIn(dir)).toEqual([temp])
    child.kill('SIGKILL')
    await child.exited
    expect(tempFilesIn(dir)).toEqual([temp])
    const stats = await new AtomicWriter({ fs: countingFs() }).writeFile(join(dir, 'b.txt'), 'y')
    expect(stats.ops.unlinks).toBe(1)
    expect(tempFilesIn(dir)).toEqual([])
  })
})

describe('sweepDeadTemps', () => {
  it('removes only regular files with temp names that the judge calls dead, not below the directory', () => {
    const dir = tempDir()
    const dead = leftover(dir)
    writeFileSync(join(dir, 'a.dwtmp'), 'not a temp name')
    symlinkSync(join(dir, 'a.dwtmp'), join(dir, '.l.0123456789abcdef.dwtmp'))
    const removed = runSync(sweepDeadTemps(dir, everyWriterDead), nodeFs())
    expect(removed).toBe(1)
    expect(existsSync(join(dir, dead))).toBe(false)
    expect(existsSync(join(dir, 'a.dwtmp'))).toBe(true)
    expect(existsSync(join(dir, '.l.0123456789abcdef.dwtmp'))).toBe(true)
  })

  it('swallows its own errors: a missing directory, a failing unlink, a throwing judge', async () => {
    const dir = tempDir()
    leftover(dir)
    leftover(dir)
    expect(runSync(sweepDeadTemps(join(dir, 'missing'), everyWriterDead), nodeFs())).toBe(0)
    const failing = interceptFs(nodeFs(), (call, proceed) => {
      if (call.method === 'unlink') throw Object.assign(new Error('EIO'), { code: 'EIO' })
      return proceed()
    })
    expect(await runAsync(sweepDeadTemps(dir, everyWriterDead), failing)).toBe(0)
    const throwing = () => {
      throw new Error('judge failed')
    }
    expect(runSync(sweepDeadTemps(dir, throwing), nodeFs())).toBe(0)
    expect(tempFilesIn(dir)).toHaveLength(2)
  })

  it('judges temps of this process by whether this thread still writes them, or as told', () => {
    const dir = tempDir()
    const own = join(dir, leftover(dir, selfWriter()))
    beginTemp(own)
    expect(runSync(sweepDeadTemps(dir, tempLiveness()), nodeFs())).toBe(0)
    expect(runSync(sweepDeadTemps(dir, tempLiveness({ ownTemps: 'live' })), nodeFs())).toBe(0)
    endTemp(own)
    expect(runSync(sweepDeadTemps(dir, tempLiveness({ ownTemps: 'live' })), nodeFs())).toBe(0)
    // Abandoned by this thread (a write whose cleanup failed): removed at once.
    expect(runSync(sweepDeadTemps(dir, tempLiveness()), nodeFs())).toBe(1)
  })

  it('keeps the temps of this process made by another thread', () => {
    const dir = tempDir()
    leftover(dir, { ...selfWriter(), thread: 7 })
    expect(runSync(sweepDeadTemps(dir, tempLiveness()), nodeFs())).toBe(0)
    expect(runSync(sweepDeadTemps(dir, tempLiveness({ ownTemps: 'dead' })), nodeFs())).toBe(1)
  })
})

describe('the sweep rate limit', () => {
  it('sweeps a directory once per minute window, however many writes go there', async () => {
    const dir = tempDir()
    let now = 0
    const sweeps = new SweepSchedule({ now: () => now })
    const fs = countingFs()
    const options = { ...resolveWriteOptions({ fs, durability: 'fast' }), sweeps }
    const writeAt = async (t: number, i: number) => {
      now = t
      const steps = writeProtocol(join(dir, `f${i % 3}.txt`), { bytes: Buffer.from(String(i)) }, options)
      if (i % 2) runSync(steps, fs)
      else await runAsync(steps, fs)
    }
    for (let i = 0; i < 40; i++) await writeAt(i * 1000, i) // 0 s .. 39 s: one window
    expect(fs.count('readdir')).toBe(1)
    for (let i = 0; i < 40; i++) await writeAt(60_000 + i * 500, i) // the second window
    expect(fs.count('readdir')).toBe(2)
    await writeAt(119_999, 0)
    expect(fs.count('readdir')).toBe(2)
    await writeAt(120_000, 0)
    expect(fs.count('readdir')).toBe(3)
  })

  it('counts each directory and each file system apart, and forgets the oldest beyond its memory', () => {
    let now = 0
    const s = new SweepSchedule({ now: () => now, memory: 3 })
    const a = {}
    const b = {}
    expect([s.due(a, '/d1'), s.due(a, '/d1'), s.due(b, '/d1'), s.due(a, '/d2')]).toEqual([
      true,
      false,
      true,
      true,
    ])
    now = 1
    for (const d of ['/d3', '/d4']) expect(s.due(a, d)).toBe(true)
    // /d1 was the oldest of four: forgotten, so it is due again; /d4 is remembered.
    expect(s.due(a, '/d1')).toBe(true)
    expect(s.due(a, '/d4')).toBe(false)
  })

  it('makes many writes through the public API into one directory read it once', async () => {
    const dir = tempDir()
    const fs = countingFs()
    const writer = new AtomicWriter({ fs, durability: 'fast' })
    for (let i = 0; i < 20; i++) writer.writeFileSync(join(dir, 'a.txt'), String(i))
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.writeFile(join(dir, `b${i}.txt`), 'x')))
    expect(fs.count('readdir')).toBe(1)
  })
})
