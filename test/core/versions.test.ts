import { writeFileSync as fsWriteFileSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { versionOf } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { apis, errorOf } from './write-api.js'

describe('versionOf', () => {
  it('gives a string and a Buffer of the same bytes the same version', () => {
    expect(versionOf('héllo')).toBe(versionOf(Buffer.from('héllo', 'utf8')))
    expect(versionOf('héllo')).toBe(versionOf(new Uint8Array(Buffer.from('héllo'))))
    expect(versionOf('')).toBe(versionOf(Buffer.alloc(0)))
  })

  it('encodes a string with the given encoding before hashing', () => {
    expect(versionOf('café', 'latin1')).toBe(versionOf(Buffer.from([0x63, 0x61, 0x66, 0xe9])))
    expect(versionOf('café', 'latin1')).not.toBe(versionOf('café'))
    expect(versionOf('hi', 'utf16le')).toBe(versionOf(Buffer.from([0x68, 0, 0x69, 0])))
    // Same bytes through different encodings: equal.
    expect(versionOf('abc', 'latin1')).toBe(versionOf('abc', 'utf8'))
  })

  it('depends only on the viewed bytes of a Uint8Array', () => {
    const whole = new Uint8Array([1, 2, 3, 4])
    expect(versionOf(whole.subarray(1, 3))).toBe(versionOf(new Uint8Array([2, 3])))
    expect(versionOf(whole.subarray(1, 3))).not.toBe(versionOf(whole))
  })

  it('tells apart contents that differ in one byte, in length, or by a trailing newline', () => {
    const versions = new Set([
      versionOf('abc'),
      versionOf('abd'),
      versionOf('abc\n'),
      versionOf('ab'),
      versionOf(''),
      versionOf(Buffer.from([0])),
    ])
    expect(versions.size).toBe(6)
  })

  it('is equal exactly when the bytes are equal', () => {
    const bytes = fc.uint8Array({ maxLength: 64 })
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        expect(versionOf(a) === versionOf(b)).toBe(Buffer.from(a).equals(Buffer.from(b)))
        expect(versionOf(a)).toBe(versionOf(Buffer.from(a)))
      }),
    )
    fc.assert(
      fc.property(bytes, (a) => {
        const b = Buffer.from(a)
        if (b.length === 0) return
        b[b.length - 1] = b[b.length - 1]! ^ 1
        expect(versionOf(a)).not.toBe(versionOf(b))
      }),
    )
  })

  it('is a string token', () => {
    expect(typeof versionOf('x')).toBe('string')
    expect(versionOf('x').length).toBeGreaterThan(0)
  })
})

describe.each(apis)('$name: readVersioned', (api) => {
  it('returns a Buffer without an encoding, and the version of its bytes', async () => {
    const file = join(tempDir(), 'bin.dat')
    const bytes = Buffer.from([0, 0xff, 0x10, 0x0a])
    fsWriteFileSync(file, bytes)
    const { content, version } = await api.read(file)
    expect(Buffer.isBuffer(content)).toBe(true)
    expect(content).toEqual(bytes)
    expect(version).toBe(versionOf(bytes))
  })

  it('returns a string decoded with the encoding, with the version of the raw bytes', async () => {
    const file = join(tempDir(), 'text.txt')
    fsWriteFileSync(file, Buffer.from('café', 'latin1'))
    const latin = await api.read(file, { encoding: 'latin1' })
    const utf8 = await api.read(file, { encoding: 'utf8' })
    expect(latin.content).toBe('café')
    expect(typeof utf8.content).toBe('string')
    expect(latin.version).toBe(versionOf('café', 'latin1'))
    expect(utf8.version).toBe(latin.version)
  })

  it('matches the version the write reported, and accepts a file URL', async () => {
    const file = join(tempDir(), 'w.txt')
    const stats = await api.write(file, 'written')
    const { version } = await api.read(pathToFileURL(file))
    expect(version).toBe(stats.version)
  })

  it('gives files with the same bytes the same version, whatever their timestamps', async () => {
    const dir = tempDir()
    fsWriteFileSync(join(dir, 'a'), 'same')
    fsWriteFileSync(join(dir, 'b'), 'same')
    utimesSync(join(dir, 'b'), new Date(0), new Date(0))
    const a = await api.read(join(dir, 'a'))
    const b = await api.read(join(dir, 'b'))
    expect(a.version).toBe(b.version)
  })

  it('changes the version when the content changes at the same size and mtime', async () => {
    const file = join(tempDir(), 'f.txt')
    const when = new Date('2020-01-01T00:00:00Z')
    fsWriteFileSync(file, 'aaaa')
    utimesSync(file, when, when)
    const first = await api.read(file)
    fsWriteFileSync(file, 'bbbb')
    utimesSync(file, when, when)
    const second = await api.read(file)
    expect(second.version).not.toBe(first.version)
  })

  it('fails with the Node ENOENT error for a missing file', async () => {
    const file = join(tempDir(), 'missing.txt')
    const err = await errorOf(() => api.read(file))
    expect(err.code).toBe('ENOENT')
    expect(err.path).toBe(file)
  })
})
