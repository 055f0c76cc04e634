import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import {
  AbortError,
  type AtomicWriteStream,
  createWriteStream,
  type FsLike,
  nodeFs,
  versionOf,
  type WriteOptions,
} from '../../src/index.js'
import { faultyFs, interceptFs } from '../helpers/fault-fs.js'
import { openFdCount, snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

/** A target with old content, a snapshot of its directory, and the descriptors open before. */
function existingFile() {
  const dir = tempDir()
  const file = join(dir, 'target.txt')
  fsWriteFileSync(file, 'old content')
  return { dir, file, before: snapshot(dir), fds: openFdCount() }
}

/**
 * A stream that has written `chunks` into its temp file; resolves with the stream and the temp's
 * path once every chunk's callback has run (so the temp file exists and holds data).
 */
async function midway(file: string, options: WriteOptions = {}, chunks = 3) {
  let temp: string | undefined
  const stream = createWriteStream(file, { ...options, onTempFile: (p) => (temp = p) })
  for (let i = 0; i < chunks; i++) {
    await new Promise<void>((resolve, reject) =>
      stream.write(`chunk ${i}\n`, (err) => (err ? reject(err) : resolve())),
    )
  }
  await new Promise((r) => setTimeout(r, 10))
  expect(temp, 'the temp file was created').toBeDefined()
  expect(existsSync(temp!)).toBe(true)
  return { stream, temp: temp! }
}

/** What the stream reported when it closed: the 'error' events, whether 'finish' came, and the temps then. */
async function outcome(stream: AtomicWriteStream, dir: string) {
  const errors: unknown[] = []
  let finished = false
  stream.on('error', (err) => errors.push(err))
  stream.on('finish', () => (finished = true))
  // Not events.once: it rejects on 'error', which is one of the outcomes looked at here.
  await new Promise((resolve) => stream.once('close', resolve))
  return { errors, finished, temps: tempFilesIn(dir) }
}

describe('an AtomicWriteStream that fails before its commit', () => {
  it('destroy(err) emits that error, removes the temp and leaves the target untouched', async () => {
    const { dir, file, before, fds } = existingFile()
    const { stream, temp } = await midway(file)
    const err = new Error('the producer gave up')
    const closed = outcome(stream, dir)
    stream.destroy(err)
    const seen = await closed
    expect(seen.errors).toEqual([err])
    expect(seen.finished).toBe(false)
    expect(seen.temps).toEqual([])
    expect(existsSync(temp)).toBe(false)
    expect(snapshot(dir)).toEqual(before)
    expect(stream.stats).toBeUndefined()
    expect(openFdCount()).toBe(fds)
  })

  it('destroy() without an error emits no error, removes the temp and leaves the target untouched', async () => {
    const { dir, file, before, fds } = existingFile()
    const { stream, temp } = await midway(file)
    const closed = outcome(stream, dir)
    stream.destroy()
    const seen = await closed
    expect(seen.errors).toEqual([])
    expect(seen.finished).toBe(false)
    expect(existsSync(temp)).toBe(false)
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })

  it('an AbortSignal aborted mid-way ends it with ABORT_ERR, target untouched, no temp', async () => {
    const { dir, file, before, fds } = existingFile()
    const controller = new AbortController()
    const { stream, temp } = await midway(file, { signal: controller.signal })
    const closed = outcome(stream, dir)
    const reason = new Error('user pressed cancel')
    controller.abort(reason)
    const seen = await closed
    expect(seen.errors).toHaveLength(1)
    const err = seen.errors[0] as AbortError
    expect(err).toBeInstanceOf(AbortError)
    expect(err).toMatchObject({ code: 'ABORT_ERR', path: file, cause: reason })
    expect(err.message).toContain(file)
    expect(existsSync(temp)).toBe(false)
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })

  it('an already aborted signal fails it with ABORT_ERR without touching the target', async () => {
    const { dir, file, before } = existingFile()
    const stream = createWriteStream(file, { signal: AbortSignal.abort() })
    const closed = outcome(stream, dir)
    stream.end('new content')
    const seen = await closed
    expect(seen.errors).toEqual([expect.objectContaining({ code: 'ABORT_ERR' })])
    expect(seen.finished).toBe(false)
    expect(snapshot(dir)).toEqual(before)
  })

  it('an abort after end() but before the rename still leaves the target untouched', async () => {
    const { dir, file, before } = existingFile()
    const controller = new AbortController()
    // Abort while the temp file is being synced, after the last chunk and before the rename.
    const fs = interceptFs(nodeFs(), (call, proceed) => {
      if (call.method === 'fdatasync' || call.method === 'fsync') {
        if (call.path?.endsWith('.dwtmp')) controller.abort()
      }
      return proceed()
    })
    const stream = createWriteStream(file, { fs, signal: controller.signal })
    const closed = outcome(stream, dir)
    stream.end('new content')
    const seen = await closed
    expect(seen.errors).toEqual([expect.objectContaining({ code: 'ABORT_ERR' })])
    expect(seen.finished).toBe(false)
    expect(snapshot(dir)).toEqual(before)
  })

  it('an abort while the stream waits for its turn on the path fails it, target untouched by it', async () => {
    const { dir, file } = existingFile()
    const first = createWriteStream(file)
    await new Promise((resolve) => first.write('first', resolve))
    const controller = new AbortController()
    const second = createWriteStream(file, { signal: controller.signal })
    const closed = outcome(second, dir)
    // The second stream has all its data but waits for the first, which is still open.
    second.end('second')
    await new Promise((r) => setTimeout(r, 10))
    controller.abort()
    first.end()
    const seen = await closed
    expect(seen.errors).toEqual([expect.objectContaining({ code: 'ABORT_ERR' })])
    expect(seen.finished).toBe(false)
    if (!first.writableFinished) await new Promise((resolve) => first.once('finish', resolve))
    expect(readFileSync(file, 'utf8')).toBe('first')
    expect(tempFilesIn(dir)).toEqual([])
  })

  it("an abort after the rename no longer fails it: 'finish' comes with the new content", async () => {
    const { dir, file } = existingFile()
    const controller = new AbortController()
    const fs: FsLike = interceptFs(nodeFs(), (call, proceed) => {
      const result = proceed()
      if (call.method !== 'rename') return result
      return (result as Promise<unknown>).then((value) => {
        controller.abort()
        return value
      })
    })
    const stream = createWriteStream(file, { fs, signal: controller.signal })
    const closed = outcome(stream, dir)
    stream.end('new content')
    const seen = await closed
    expect(controller.signal.aborted).toBe(true)
    expect(seen.errors).toEqual([])
    expect(seen.finished).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('new content')
    expect(stream.stats?.version).toBe(versionOf('new content'))
  })

  it('an fs error mid-write (ENOSPC on the 3rd write) fails it with that error, target untouched, no temp', async () => {
    const { dir, file, before, fds } = existingFile()
    const fs = faultyFs(nodeFs(), { failAt: 3, code: 'ENOSPC', only: (call) => call.method === 'write' })
    // Chunks this large are written one by one, so the 3rd write call is the 3rd chunk.
    const chunks = Array.from({ length: 8 }, (_, i) => Buffer.alloc(300 * 1024, i))
    const stream = createWriteStream(file, { fs })
    const closed = outcome(stream, dir)
    const err = await pipeline(Readable.from(chunks), stream).catch((e: unknown) => e)
    const seen = await closed
    expect(fs.injected).toHaveLength(1)
    expect(err).toBe(fs.injected[0]!.error)
    expect(err).toMatchObject({ code: 'ENOSPC', syscall: 'write' })
    expect(seen.errors).toEqual([err])
    expect(seen.finished).toBe(false)
    expect(seen.temps).toEqual([])
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })

  it('reports a failed write to the callback of the chunk being written', async () => {
    const { dir, file, before } = existingFile()
    const fs = faultyFs(nodeFs(), { failAt: 2, code: 'EIO', only: (call) => call.method === 'write' })
    const stream = createWriteStream(file, { fs })
    stream.on('error', () => {})
    const results: unknown[] = []
    for (let i = 0; i < 4; i++) {
      const chunk = Buffer.alloc(300 * 1024, i)
      results.push(await new Promise((resolve) => stream.write(chunk, (e) => resolve(e ?? 'ok'))))
    }
    expect(results[0]).toBe('ok')
    expect(results[1]).toBe(fs.injected[0]!.error)
    expect(results.slice(2).every((r) => r instanceof Error)).toBe(true)
    if (!stream.closed) await new Promise((resolve) => stream.once('close', resolve))
    expect(snapshot(dir)).toEqual(before)
  })
})
