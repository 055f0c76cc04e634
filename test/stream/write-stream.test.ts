import { once } from 'node:events'
import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  AtomicWriter,
  type AtomicWriteStream,
  createWriteStream,
  nodeFs,
  versionOf,
  type WriteOptions,
} from '../../src/index.js'
import { recordingFs } from '../helpers/fault-fs.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'
import { calls, checkDurableWriteOrder, countOf } from '../helpers/trace.js'

const writer = new AtomicWriter()

/** Both ways to get a stream: the free function (default writer) and a writer's method. */
const makers = [
  {
    name: 'createWriteStream',
    make: (path: string, options?: WriteOptions) => createWriteStream(path, options),
  },
  {
    name: 'AtomicWriter#createWriteStream',
    make: (path: string, options?: WriteOptions) => writer.createWriteStream(path, options),
  },
]

/** Writes one chunk and resolves when its callback runs. */
function write(
  stream: AtomicWriteStream,
  chunk: string | Uint8Array,
  encoding?: BufferEncoding,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve())
    if (encoding === undefined) stream.write(chunk, done)
    else stream.write(chunk, encoding, done)
  })
}

function existingFile(content: string) {
  const dir = tempDir()
  const file = join(dir, 'out.txt')
  fsWriteFileSync(file, content)
  return { dir, file }
}

describe.each(makers)('$name', ({ make }) => {
  it("emits 'finish' only after the commit, with the new content in place and stats set", async () => {
    const { dir, file } = existingFile('old content')
    const fs = recordingFs(nodeFs())
    const stream = make(file, { fs })
    const chunks = ['first line\n', Buffer.from('second line\n'), 'third line\n']
    for (const chunk of chunks) await write(stream, chunk)
    await sleep(20)
    // Before end(): the data sits in the temp file; the target still holds the old content.
    expect(readFileSync(file, 'utf8')).toBe('old content')
    expect(tempFilesIn(dir)).toHaveLength(1)
    expect(countOf(fs.trace, calls('rename'))).toBe(0)
    expect(stream.stats).toBeUndefined()

    const atFinish = once(stream, 'finish').then(() => ({
      content: readFileSync(file, 'utf8'),
      stats: stream.stats,
      temps: tempFilesIn(dir),
      inFlight: fs.trace.filter((e) => e.end === undefined).length,
      order: checkDurableWriteOrder(fs.trace, file),
    }))
    stream.end()
    const seen = await atFinish
    const all = chunks.join('')
    expect(seen.content).toBe(all)
    expect(seen.temps).toEqual([])
    expect(seen.inFlight).toBe(0)
    expect(seen.order).toEqual([])
    expect(seen.stats).toMatchObject({
      path: file,
      changed: true,
      bytesWritten: Buffer.byteLength(all),
      version: versionOf(all),
      durability: 'durable',
    })
    expect(seen.stats!.ops).toMatchObject({ renames: 1, unlinks: 0 })
    expect(seen.stats!.ops.fsyncs).toBeGreaterThanOrEqual(1)
    expect(seen.stats!.ops.dirFsyncs).toBeGreaterThanOrEqual(1)
    expect(seen.stats!.ops.writes).toBe(countOf(fs.trace, calls('write')))
  })

  it('works as the destination of pipeline', async () => {
    const { dir, file } = existingFile('old')
    const chunks = Array.from({ length: 100 }, (_, i) => `line ${i}\n`)
    const stream = make(file)
    await pipeline(Readable.from(chunks), stream)
    expect(readFileSync(file, 'utf8')).toBe(chunks.join(''))
    expect(stream.stats?.version).toBe(versionOf(chunks.join('')))
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('streams large chunks and many small ones alike, byte for byte', async () => {
    const dir = tempDir()
    const file = join(dir, 'mixed.bin')
    const chunks: Buffer[] = []
    for (let i = 0; i < 40; i++) chunks.push(Buffer.alloc(i % 4 === 0 ? 300 * 1024 + i : 1000 + i, i))
    const stream = make(file)
    await pipeline(Readable.from(chunks), stream)
    const all = Buffer.concat(chunks)
    expect(readFileSync(file).equals(all)).toBe(true)
    expect(stream.stats).toMatchObject({ bytesWritten: all.length, version: versionOf(all) })
  })

  it('lets the caller reuse a buffer once its write callback has run', async () => {
    for (const size of [1024, 300 * 1024]) {
      const file = join(tempDir(), 'reused.bin')
      const stream = make(file)
      const buffer = Buffer.alloc(size)
      for (let i = 0; i < 8; i++) {
        buffer.fill(65 + i)
        await write(stream, buffer)
      }
      stream.end()
      await once(stream, 'finish')
      const expected = Buffer.concat(Array.from({ length: 8 }, (_, i) => Buffer.alloc(size, 65 + i)))
      expect(readFileSync(file).equals(expected), `chunks of ${size} bytes`).toBe(true)
    }
  })

  it('encodes strings with the encoding option, and with the encoding of each write', async () => {
    const dir = tempDir()
    const file = join(dir, 'utf16.txt')
    const stream = make(file, { encoding: 'utf16le' })
    await write(stream, 'héllo ')
    await write(stream, '776f726c64', 'hex')
    stream.end()
    await once(stream, 'finish')
    const expected = Buffer.concat([Buffer.from('héllo ', 'utf16le'), Buffer.from('world')])
    expect(readFileSync(file).equals(expected)).toBe(true)
    expect(stream.stats?.version).toBe(versionOf(expected))
    expect(stream.stats?.bytesWritten).toBe(expected.length)
  })

  it('creates an empty file when ended without data, and missing parent directories', async () => {
    const dir = tempDir()
    const file = join(dir, 'new', 'dir', 'empty.txt')
    const stream = make(file)
    stream.end()
    await once(stream, 'finish')
    expect(readFileSync(file, 'utf8')).toBe('')
    expect(stream.stats).toMatchObject({ bytesWritten: 0, version: versionOf('') })
  })

  it("writes without fsyncs with durability: 'fast'", async () => {
    const { file } = existingFile('old')
    const stream = make(file, { durability: 'fast' })
    stream.end('new')
    await once(stream, 'finish')
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(stream.stats).toMatchObject({ durability: 'fast' })
    expect(stream.stats!.ops).toMatchObject({ fsyncs: 0, dirFsyncs: 0, renames: 1 })
  })

  it('commits two streams to one path in the order they were created', async () => {
    const { file } = existingFile('old')
    const first = make(file)
    const second = make(file)
    second.end('second')
    await sleep(20)
    // The second waits for the first, which is still open.
    expect(readFileSync(file, 'utf8')).toBe('old')
    first.end('first')
    await Promise.all([once(first, 'finish'), once(second, 'finish')])
    expect(readFileSync(file, 'utf8')).toBe('second')
  })
})

describe('createWriteStream with bad input', () => {
  it.each([
    ['a number path', 42, undefined, 'ERR_INVALID_ARG_TYPE'],
    ['an empty path', '', undefined, 'ERR_INVALID_ARG_VALUE'],
    ['durability "eventually"', 'file.txt', { durability: 'eventually' }, 'ERR_INVALID_ARG_VALUE'],
    ['an unknown encoding', 'file.txt', { encoding: 'klingon' }, 'ERR_INVALID_ARG_VALUE'],
  ])('throws for %s, creating nothing', (_, path, options, code) => {
    const dir = tempDir()
    const target = typeof path === 'string' && path !== '' ? join(dir, path) : path
    expect(() => createWriteStream(target as string, options as WriteOptions)).toThrow(
      expect.objectContaining({ code }),
    )
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('refuses a chunk that is neither a string nor bytes, like any Writable, and stays usable', async () => {
    const dir = tempDir()
    const file = join(dir, 'out.txt')
    fsWriteFileSync(file, 'old')
    const stream = createWriteStream(file)
    expect(() => stream.write(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
    expect(readFileSync(file, 'utf8')).toBe('old')
    stream.end('new')
    await once(stream, 'finish')
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(tempFilesIn(dir)).toEqual([])
  })
})
