import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, nodeFs, versionOf, writeFile } from '../../src/index.js'
import { faultyFs, interceptFs, recordingFs } from '../helpers/fault-fs.js'
import { openFdCount, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { calls, checkDurableWriteOrder, countOf, isSync, succeeded } from '../helpers/trace.js'

describe('concurrent writes to one path', () => {
  it('settles 1000 concurrent writes in call order and keeps the last content', async () => {
    const dir = tempDir()
    const target = join(dir, 'hot.txt')
    const contents = Array.from({ length: 1000 }, (_, i) => `write ${i}\n`)
    const settled: number[] = []
    const stats = await Promise.all(
      contents.map((content, i) =>
        writeFile(target, content).then((s) => {
          settled.push(i)
          return s
        }),
      ),
    )
    expect(readFileSync(target, 'utf8')).toBe('write 999\n')
    expect(settled).toEqual(contents.map((_, i) => i))
    expect(stats.map((s) => s.version)).toEqual(contents.map((c) => versionOf(c)))
    expect(stats.every((s) => s.changed && s.ops.renames === 1)).toBe(true)
    expect(tempFilesIn(dir)).toEqual([])
  })
})

describe('concurrent writes into one directory', () => {
  it('shares directory fsyncs between 64 writes, each rename still covered by a later fsync', async () => {
    const dir = tempDir()
    const files = Array.from({ length: 64 }, (_, i) => join(dir, `file-${i}.txt`))
    const fds = openFdCount()
    const fs = recordingFs(nodeFs())
    const writer = new AtomicWriter({ fs })
    const stats = await Promise.all(files.map((file, i) => writer.writeFile(file, `content ${i}\n`)))

    const dirFsyncs = countOf(fs.trace, calls('fsync', dir))
    expect(dirFsyncs).toBeGreaterThan(0)
    expect(dirFsyncs).toBeLessThan(files.length)
    expect(writer.dirSyncsIssued(fs)).toBe(dirFsyncs)
    // Every file still got its own data sync.
    expect(countOf(fs.trace, (e) => isSync(e) && (e.path ?? '').endsWith('.dwtmp'))).toBe(files.length)
    for (const [i, file] of files.entries()) {
      expect(readFileSync(file, 'utf8')).toBe(`content ${i}\n`)
      expect(stats[i]!.ops.dirFsyncs).toBe(1)
      expect(checkDurableWriteOrder(fs.trace, file)).toEqual([])
    }
    expect(openFdCount()).toBe(fds)
  })

  it('rejects every write that shared a failed directory fsync, and the next write succeeds', async () => {
    const dir = tempDir()
    const files = Array.from({ length: 64 }, (_, i) => join(dir, `file-${i}.txt`))
    const isDirFsync = (c: { method: string; path?: string }) => c.method === 'fsync' && c.path === dir

    // Hold the first directory fsync until every rename has finished, so the other 63 writes all
    // wait for the second one, which fails.
    let renamed = 0
    let release = () => {}
    const allRenamed = new Promise<void>((resolve) => {
      release = resolve
    })
    let held = false
    const gated = interceptFs(nodeFs(), (call, proceed) => {
      if (isDirFsync(call) && !held) {
        held = true
        return allRenamed.then(proceed)
      }
      if (call.method !== 'rename') return proceed()
      return (proceed() as Promise<void>).then(() => {
        if (++renamed === files.length) setImmediate(release)
      })
    })
    const faulty = faultyFs(gated, { failAt: 2, code: 'EIO', only: isDirFsync })
    const fs = recordingFs(faulty)
    const writer = new AtomicWriter({ fs })
    const fds = openFdCount()

    const results = await Promise.allSettled(files.map((file, i) => writer.writeFile(file, `content ${i}\n`)))
    const rejected = results.filter((r) => r.status === 'rejected')
    expect(faulty.injected).toHaveLength(1)
    expect(rejected).toHaveLength(files.length - 1)
    for (const r of rejected) expect(r.reason).toBe(faulty.injected[0]!.error)
    // The failure came after the renames: every file holds its new content.
    for (const [i, file] of files.entries()) expect(readFileSync(file, 'utf8')).toBe(`content ${i}\n`)

    const after = await writer.writeFile(join(dir, 'after.txt'), 'after\n')
    expect(after.ops.dirFsyncs).toBe(1)
    expect(faulty.calls).toBe(3)
    const dirFsyncs = fs.trace.filter(calls('fsync', dir))
    expect(dirFsyncs.map((e) => e.error?.code)).toEqual([undefined, 'EIO', undefined])
    expect(succeeded(dirFsyncs[2]!)).toBe(true)
    expect(checkDurableWriteOrder(fs.trace, join(dir, 'after.txt'))).toEqual([])
    expect(readFileSync(join(dir, 'after.txt'), 'utf8')).toBe('after\n')
    expect(tempFilesIn(dir)).toEqual([])
    expect(openFdCount()).toBe(fds)
  })
})
