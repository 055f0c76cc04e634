import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import {
  createReadStream,
  existsSync,
  writeFileSync as fsWriteFileSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { versionOf, type WriteStats } from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { apis } from './write-api.js'

const asyncApi = apis.find((a) => !a.sync)!

describe.each(apis)('$name: content', (api) => {
  it('writes a utf8 string as its utf8 bytes', async () => {
    const file = join(tempDir(), 'a.txt')
    const text = 'héllo ✓ wörld\n'
    const stats = await api.write(file, text)
    expect(readFileSync(file)).toEqual(Buffer.from(text, 'utf8'))
    expect(stats.bytesWritten).toBe(Buffer.byteLength(text))
  })

  it('encodes a string with the encoding option', async () => {
    const dir = tempDir()
    await api.write(join(dir, 'l.txt'), 'café', { encoding: 'latin1' })
    await api.write(join(dir, 'u.txt'), 'hé', { encoding: 'utf16le' })
    expect([...readFileSync(join(dir, 'l.txt'))]).toEqual([0x63, 0x61, 0x66, 0xe9])
    expect([...readFileSync(join(dir, 'u.txt'))]).toEqual([0x68, 0x00, 0xe9, 0x00])
  })

  it('writes a Buffer byte for byte, including bytes that are not valid text', async () => {
    const file = join(tempDir(), 'b.bin')
    const bytes = Buffer.from([0, 255, 0xc3, 0x28, 10, 13, 0])
    const stats = await api.write(file, bytes)
    expect(readFileSync(file)).toEqual(bytes)
    expect(stats.bytesWritten).toBe(7)
  })

  it('writes only the viewed bytes of a Uint8Array that is a window into a larger buffer', async () => {
    const file = join(tempDir(), 'u8.bin')
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6])
    await api.write(file, whole.subarray(2, 5))
    expect([...readFileSync(file)]).toEqual([3, 4, 5])
  })

  it('concatenates a sync iterable of mixed strings and bytes, encoding strings', async () => {
    const file = join(tempDir(), 'it.txt')
    function* parts() {
      yield 'caf'
      yield Buffer.from('é|', 'latin1')
      yield new Uint8Array([0x41])
      yield 'é'
    }
    await api.write(file, parts(), { encoding: 'latin1' })
    expect([...readFileSync(file)]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x7c, 0x41, 0xe9])
  })

  it('writes an array of chunks larger than one write buffer, even when the source reuses its buffer', async () => {
    const file = join(tempDir(), 'big.bin')
    const chunk = Buffer.alloc(1000)
    const expected: Buffer[] = []
    function* reused() {
      for (let i = 0; i < 700; i++) {
        chunk.fill(i % 251)
        expected.push(Buffer.from(chunk))
        yield chunk
      }
    }
    const stats = await api.write(file, reused())
    expect(readFileSync(file).equals(Buffer.concat(expected))).toBe(true)
    expect(stats.bytesWritten).toBe(700_000)
  })

  it('writes an empty string as an empty file, and an empty iterable likewise', async () => {
    const dir = tempDir()
    const a = await api.write(join(dir, 'empty.txt'), '')
    await api.write(join(dir, 'empty2.txt'), [])
    expect(statSync(join(dir, 'empty.txt')).size).toBe(0)
    expect(statSync(join(dir, 'empty2.txt')).size).toBe(0)
    expect(a.bytesWritten).toBe(0)
    expect(a.changed).toBe(true)
    expect(a.version).toBe(versionOf(''))
  })

  it('replaces the content of an existing file completely, even with shorter content', async () => {
    const file = join(tempDir(), 'r.txt')
    fsWriteFileSync(file, 'a much longer previous content')
    await api.write(file, 'short')
    expect(readFileSync(file, 'utf8')).toBe('short')
  })

  it('accepts a file: URL as the path', async () => {
    const file = join(tempDir(), 'url.txt')
    const stats = await api.write(pathToFileURL(file), 'via url')
    expect(readFileSync(file, 'utf8')).toBe('via url')
    expect(stats.path).toBe(file)
  })

  it('resolves a relative path against the working directory and reports it absolute', async () => {
    const file = join(tempDir(), 'rel.txt')
    const rel = relative(process.cwd(), file)
    expect(isAbsolute(rel)).toBe(false)
    const stats = await api.write(rel, 'relative')
    expect(readFileSync(file, 'utf8')).toBe('relative')
    expect(stats.path).toBe(file)
  })
})

describe('writeFile: async sources', () => {
  it('consumes an async iterable of mixed chunks', async () => {
    const file = join(tempDir(), 'ai.txt')
    async function* parts() {
      yield 'one,'
      await new Promise((r) => setTimeout(r, 1))
      yield Buffer.from('two,')
      yield new Uint8Array([0x33])
    }
    const stats = await asyncApi.write(file, parts())
    expect(readFileSync(file, 'utf8')).toBe('one,two,3')
    expect(stats.version).toBe(versionOf('one,two,3'))
  })

  it('consumes a Readable stream, in object mode or from a file', async () => {
    const dir = tempDir()
    await asyncApi.write(join(dir, 'r1.txt'), Readable.from(['ab', Buffer.from('cd')]))
    const source = join(dir, 'source.bin')
    const big = Buffer.alloc(300_000, 7)
    fsWriteFileSync(source, big)
    const stats = await asyncApi.write(join(dir, 'r2.bin'), createReadStream(source, { highWaterMark: 4096 }))
    expect(readFileSync(join(dir, 'r1.txt'), 'utf8')).toBe('abcd')
    expect(readFileSync(join(dir, 'r2.bin')).equals(big)).toBe(true)
    expect(stats.bytesWritten).toBe(big.length)
  })
})

describe.each(apis)('$name: WriteStats', (api) => {
  it('describes a durable write: absolute path, changed, bytes, version and system calls', async () => {
    const file = join(tempDir(), 'stats.txt')
    const stats = await api.write(file, 'stats\n')
    expect(Object.keys(stats).sort()).toEqual(
      ['bytesWritten', 'changed', 'durability', 'durationMs', 'ops', 'path', 'version'].sort(),
    )
    expect(stats.path).toBe(file)
    expect(stats.changed).toBe(true)
    expect(stats.bytesWritten).toBe(6)
    expect(stats.version).toBe(versionOf('stats\n'))
    expect(stats.version).toBe(versionOf(readFileSync(file)))
    expect(stats.durability).toBe('durable')
    expect(stats.durationMs).toBeGreaterThanOrEqual(0)
    expect(Object.keys(stats.ops).sort()).toEqual(
      ['dirFsyncs', 'fsyncs', 'locks', 'mkdirs', 'reads', 'renames', 'unlinks', 'writes'].sort(),
    )
    expect(stats.ops).toMatchObject({ writes: 1, fsyncs: 1, renames: 1, unlinks: 0, mkdirs: 0, locks: 0 })
    expect(stats.ops.dirFsyncs).toBeGreaterThanOrEqual(1)
  })

  it("with durability 'fast' writes the content without any fsync", async () => {
    const file = join(tempDir(), 'fast.txt')
    const stats = await api.write(file, 'fast', { durability: 'fast' })
    expect(readFileSync(file, 'utf8')).toBe('fast')
    expect(stats.durability).toBe('fast')
    expect(stats.ops.fsyncs).toBe(0)
    expect(stats.ops.dirFsyncs).toBe(0)
    expect(stats.ops.renames).toBe(1)
    expect(tempFilesIn(dirname(file))).toEqual([])
  })

  it('publishes the stats of each write on the durable-write:write channel', async () => {
    const dir = tempDir()
    const seen: unknown[] = []
    const listener = (message: unknown) => {
      seen.push(message)
    }
    subscribe('durable-write:write', listener)
    let first: WriteStats
    let second: WriteStats
    try {
      first = await api.write(join(dir, 'one.txt'), '1')
      second = await api.write(join(dir, 'two.txt'), '22', { durability: 'fast' })
    } finally {
      unsubscribe('durable-write:write', listener)
    }
    await api.write(join(dir, 'three.txt'), 'unobserved')
    expect(seen).toHaveLength(2)
    expect(seen[0]).toBe(first)
    expect(seen[1]).toBe(second)
    expect(seen[1]).toMatchObject({ path: join(dir, 'two.txt'), bytesWritten: 2, durability: 'fast' })
  })
})

describe.each(apis)('$name: onTempFile', (api) => {
  it("is called once with a temp path in the target's directory that is gone afterwards", async () => {
    const dir = tempDir()
    const file = join(dir, 'watched.txt')
    const temps: string[] = []
    const seenExisting: boolean[] = []
    await api.write(file, 'content', {
      onTempFile: (p) => {
        temps.push(p)
        seenExisting.push(existsSync(p))
      },
    })
    expect(temps).toHaveLength(1)
    const temp = temps[0]!
    expect(dirname(temp)).toBe(dir)
    expect(temp).not.toBe(file)
    expect(temp).toMatch(/\.dwtmp$/)
    expect(seenExisting).toEqual([true])
    expect(existsSync(temp)).toBe(false)
    expect(Object.keys(snapshot(dir))).toEqual(['watched.txt'])
  })
})
