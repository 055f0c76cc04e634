import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { nodeFs, versionOf, writeFile } from '../../src/index.js'
import { apis, failureOf } from '../core/write-api.js'
import { faultyFs } from '../helpers/fault-fs.js'
import { openFdCount, snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

function existingFile() {
  const dir = tempDir()
  const file = join(dir, 'target.bin')
  fsWriteFileSync(file, 'old content')
  return { dir, file, before: snapshot(dir), fds: openFdCount() }
}

/** Chunks large enough to be written one by one, so the temp file holds data when the source fails. */
const big = (i: number) => Buffer.alloc(300 * 1024, i)

describe('a source that fails while its data is being written', () => {
  it('makes writeFile reject with the error thrown by an async iterable; target untouched, no temp', async () => {
    const { dir, file, before, fds } = existingFile()
    const boom = new Error('the source broke')
    let temp: string | undefined
    async function* source() {
      yield big(1)
      yield 'some text'
      yield big(2)
      throw boom
    }
    const err = await writeFile(file, source(), { onTempFile: (p) => (temp = p) }).catch((e: unknown) => e)
    expect(err).toBe(boom)
    expect(temp).toBeDefined()
    expect(tempFilesIn(dir)).toEqual([])
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })

  it('makes writeFile reject with the error of a Readable that fails', async () => {
    const { dir, file, before } = existingFile()
    const boom = new Error('the readable broke')
    const readable = new Readable({ read() {} })
    readable.push(big(1))
    setTimeout(() => readable.destroy(boom), 20)
    const err = await writeFile(file, readable).catch((e: unknown) => e)
    expect(err).toBe(boom)
    expect(snapshot(dir)).toEqual(before)
  })

  it.each(apis)(
    'makes $name fail with the error thrown by a sync iterable; target untouched, no temp',
    async (api) => {
      const { dir, file, before, fds } = existingFile()
      const boom = new Error('the generator broke')
      function* source() {
        yield big(1)
        yield big(2)
        throw boom
      }
      const err = await failureOf(api, () => api.call(file, source()))
      expect(err).toBe(boom)
      expect(snapshot(dir)).toEqual(before)
      expect(openFdCount()).toBe(fds)
    },
  )

  it.each(apis)(
    'makes $name reject a chunk that is neither a string nor bytes, writing nothing',
    async (api) => {
      const { dir, file, before } = existingFile()
      const err = await failureOf(api, () => api.call(file, ['fine', 42, 'never']))
      expect(err).toBeInstanceOf(TypeError)
      expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
      expect(snapshot(dir)).toEqual(before)
    },
  )
})

describe('a source whose write fails', () => {
  it('is closed: an async generator runs its finally block, a Readable is destroyed', async () => {
    const { dir, file, before } = existingFile()
    let closed = false
    async function* source() {
      try {
        for (let i = 0; i < 100; i++) yield big(i)
      } finally {
        closed = true
      }
    }
    const fs = () =>
      faultyFs(nodeFs(), { failAt: 2, code: 'ENOSPC', only: (call) => call.method === 'write' })
    await expect(writeFile(file, source(), { fs: fs() })).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(closed).toBe(true)

    const readable = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield big(i)
      })(),
    )
    await expect(writeFile(file, readable, { fs: fs() })).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(readable.destroyed).toBe(true)
    expect(snapshot(dir)).toEqual(before)
  })

  it('of many chunks succeeds when nothing fails, with the version of all the data', async () => {
    const { file } = existingFile()
    const chunks = [big(1), 'text', big(2), Buffer.from('tail')]
    const stats = await writeFile(file, Readable.from(chunks))
    const all = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)))
    expect(readFileSync(file).equals(all)).toBe(true)
    expect(stats).toMatchObject({ bytesWritten: all.length, version: versionOf(all) })
  })
})
