import {
  existsSync,
  writeFileSync as fsWriteFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import stableStringify from 'fast-json-stable-stringify'
import { describe, expect, it } from 'vitest'
import { ConflictError, type JsonOptions, OutsideRootError, versionOf } from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { failureOf, jsonApis } from './fixtures/json-api.js'

/** A value with every kind of JSON member, escapes, non-ASCII text and members JSON.stringify drops. */
function sample() {
  return {
    name: 'durable-write',
    count: 3,
    ratio: -0.5e-7,
    huge: 1e21,
    nan: Number.NaN,
    ok: true,
    nothing: null,
    text: 'café 東京 🚀 "quoted" back\\slash\nnew line\ttab \u2028',
    when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    list: [1, 'two', null, false, { deep: [[]] }, undefined, () => 1],
    empty: { object: {}, array: [] },
    skipped: undefined,
    method: () => 'dropped',
    custom: { toJSON: () => ({ replaced: true }) },
  }
}

/** Unsorted keys at every level, including inside arrays. */
function unsorted() {
  return { zeta: 1, alpha: { y: [{ d: 1, b: 2, c: { z: 0, a: 0 } }], x: 'x' }, mid: [3, 2, 1], Beta: null }
}

/** `value` with the keys of every object sorted, for JSON.stringify to print in stable order. */
function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortedDeep((value as Record<string, unknown>)[key])
  return out
}

const scale = (key: string, v: unknown) => (typeof v === 'number' && key !== 'id' ? v * 10 : v)

type Case = [label: string, options: JsonOptions, value: () => unknown, expected: (v: unknown) => string]

const formats: Case[] = [
  ['defaults', {}, sample, (v) => `${JSON.stringify(v, null, 2)}\n`],
  ['space 0', { space: 0 }, sample, (v) => `${JSON.stringify(v)}\n`],
  ['space 4', { space: 4 }, sample, (v) => `${JSON.stringify(v, null, 4)}\n`],
  ["space '\\t'", { space: '\t' }, sample, (v) => `${JSON.stringify(v, null, '\t')}\n`],
  ['space 12 (clamped to 10)', { space: 12 }, sample, (v) => `${JSON.stringify(v, null, 10)}\n`],
  ['finalNewline false', { finalNewline: false }, sample, (v) => JSON.stringify(v, null, 2)],
  ['stable', { stable: true }, unsorted, (v) => `${JSON.stringify(sortedDeep(v), null, 2)}\n`],
  ['stable, space 0', { stable: true, space: 0 }, unsorted, (v) => `${stableStringify(v)}\n`],
  ['a replacer function', { replacer: scale }, sample, (v) => `${JSON.stringify(v, scale, 2)}\n`],
  [
    'a replacer allowlist',
    { replacer: ['name', 'list', 'empty', 'array'] },
    sample,
    (v) => `${JSON.stringify(v, ['name', 'list', 'empty', 'array'], 2)}\n`,
  ],
  [
    'stable with a replacer function and no final newline',
    { stable: true, replacer: scale, finalNewline: false },
    unsorted,
    (v) => JSON.stringify(sortedDeep(v), scale, 2),
  ],
]

describe.each(jsonApis)('$name: output', (api) => {
  it.each(formats)('with %s writes what JSON.stringify gives, whether streamed or not', async (...c) => {
    const [, options, make, expected] = c
    const dir = tempDir()
    const text = expected(make())
    for (const stream of [false, true, 'auto'] as const) {
      const file = join(dir, `out-${stream}.json`)
      const stats = await api.write(file, make(), { ...options, stream })
      expect(readFileSync(file, 'utf8')).toBe(text)
      expect(stats.bytesWritten).toBe(Buffer.byteLength(text))
      expect(stats.version).toBe(versionOf(text))
    }
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('writes JSON.stringify(value, null, 2) and a newline by default, which readJson reads back', async () => {
    const dir = tempDir()
    const file = join(dir, 'settings.json')
    const stats = await api.write(file, sample())
    const text = readFileSync(file, 'utf8')
    expect(text).toBe(`${JSON.stringify(sample(), null, 2)}\n`)
    expect(text.endsWith('}\n')).toBe(true)
    const { value, version } = await api.read(file)
    expect(value).toEqual(JSON.parse(JSON.stringify(sample())))
    expect(version).toBe(stats.version)
    expect(version).toBe(versionOf(readFileSync(file)))
  })

  it('sorts keys at every level with stable, keeping the indentation', async () => {
    const file = join(tempDir(), 'stable.json')
    await api.write(file, unsorted(), { stable: true })
    const text = readFileSync(file, 'utf8')
    const keys = [...text.matchAll(/^ *"([^"]+)":/gm)].map((m) => m[1])
    expect(keys).toEqual(['Beta', 'alpha', 'x', 'y', 'b', 'c', 'a', 'z', 'd', 'mid', 'zeta'])
    expect(text).toContain('\n  "alpha": {\n    "x": "x",')
  })

  it('makes a small write with 1 write, 1 fsync, 1 directory fsync and 1 rename', async () => {
    const dir = tempDir()
    const file = join(dir, 'small.json')
    const created = await api.write(file, { a: 1 })
    const replaced = await api.write(file, { a: 2 })
    for (const stats of [created, replaced]) {
      expect(stats.changed).toBe(true)
      expect(stats.durability).toBe('durable')
      expect(stats.ops).toMatchObject({
        writes: 1,
        fsyncs: 1,
        dirFsyncs: 1,
        renames: 1,
        unlinks: 0,
        mkdirs: 0,
      })
    }
    expect(readdirSync(dir)).toEqual(['small.json'])
  })

  it('gives the same bytes and ops with stream: true forced on a small value', async () => {
    const dir = tempDir()
    const value = { list: [1, 2, 3], text: 'é', nested: { a: null } }
    const oneShot = await api.write(join(dir, 'a.json'), value, { stream: false })
    const streamed = await api.write(join(dir, 'b.json'), value, { stream: true })
    expect(readFileSync(join(dir, 'b.json'))).toEqual(readFileSync(join(dir, 'a.json')))
    expect(streamed.version).toBe(oneShot.version)
    expect(streamed.ops).toMatchObject({ writes: 1, fsyncs: 1, dirFsyncs: 1, renames: 1 })
  })
})

/** About 20 MB of JSON: well above the size at which stream 'auto' serializes incrementally. */
function twentyMegabytes(): unknown[] {
  const rows: unknown[] = []
  for (let i = 0; i < 90_000; i++) {
    rows.push({ id: i, name: `row ${i}`, tags: ['a', 'é'], score: i / 3, note: `${i} ${'x'.repeat(120)}` })
  }
  return rows
}

describe.each(jsonApis)('$name: a ~20 MB value', (api) => {
  it("is streamed by stream 'auto' (several writes), byte-identical to JSON.stringify", async () => {
    const dir = tempDir()
    const value = twentyMegabytes()
    const expected = Buffer.from(`${JSON.stringify(value, null, 2)}\n`)
    expect(expected.byteLength).toBeGreaterThan(20_000_000)

    const auto = await api.write(join(dir, 'auto.json'), value)
    expect(auto.ops.writes).toBeGreaterThan(1)
    expect(auto.ops).toMatchObject({ fsyncs: 1, dirFsyncs: 1, renames: 1 })
    expect(auto.bytesWritten).toBe(expected.byteLength)
    expect(auto.version).toBe(versionOf(expected))
    expect(readFileSync(join(dir, 'auto.json')).equals(expected)).toBe(true)

    // The same value with stream: false goes out in one piece.
    const whole = await api.write(join(dir, 'whole.json'), value, { stream: false })
    expect(whole.ops.writes).toBe(1)
    expect(whole.version).toBe(auto.version)
    expect(tempFilesIn(dir)).toEqual([])
  })
})

describe.each(jsonApis)('$name: write options', (api) => {
  it('fails with ERR_CONFLICT when ifMatch is stale, leaving the file as it was', async () => {
    const dir = tempDir()
    const file = join(dir, 'state.json')
    await api.write(file, { n: 1 })
    const { version: first } = await api.read(file)
    await api.write(file, { n: 2 })
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, { n: 3 }, { ifMatch: first }))
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.path).toBe(file)
    expect(snapshot(dir)).toEqual(before)

    const { version: current } = await api.read(file)
    const stats = await api.write(file, { n: 3 }, { ifMatch: current ?? '' })
    expect(stats.changed).toBe(true)
    expect((await api.read(file)).value).toEqual({ n: 3 })
  })

  it('fails with ERR_CONFLICT for ifNoneMatch * on an existing file', async () => {
    const dir = tempDir()
    const file = join(dir, 'once.json')
    await api.write(file, { n: 1 }, { ifNoneMatch: '*' })
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, { n: 2 }, { ifNoneMatch: '*' }))
    expect(err.code).toBe('ERR_CONFLICT')
    expect(snapshot(dir)).toEqual(before)
  })

  it('reports changed: false and writes nothing with skipUnchanged when the JSON is the same', async () => {
    const dir = tempDir()
    const file = join(dir, 'same.json')
    const first = await api.write(file, { b: [1, 2], a: 'x' }, { stable: true })
    const inode = statSync(file).ino
    const again = await api.write(file, { a: 'x', b: [1, 2] }, { stable: true, skipUnchanged: true })
    expect(again.changed).toBe(false)
    expect(again.bytesWritten).toBe(0)
    expect(again.version).toBe(first.version)
    expect(again.ops).toMatchObject({ writes: 0, renames: 0 })
    expect(statSync(file).ino).toBe(inode)

    const other = await api.write(file, { a: 'y' }, { skipUnchanged: true })
    expect(other.changed).toBe(true)
    expect(statSync(file).ino).not.toBe(inode)
  })

  it('gives the file the requested mode', async () => {
    const file = join(tempDir(), 'private.json')
    await api.write(file, { secret: true }, { mode: 0o640 })
    expect(statSync(file).mode & 0o777).toBe(0o640)
    await api.write(file, { secret: false })
    expect(statSync(file).mode & 0o777).toBe(0o640)
  })

  it('refuses a path outside root with ERR_OUTSIDE_ROOT, writing nothing', async () => {
    const outer = tempDir()
    const root = join(outer, 'root')
    mkdirSync(root)
    await api.write(join(root, 'inside.json'), { ok: true }, { root })
    expect(JSON.parse(readFileSync(join(root, 'inside.json'), 'utf8'))).toEqual({ ok: true })
    const before = snapshot(outer)
    const outside = join(root, '..', 'escape.json')
    const err = await failureOf(api, () => api.call(outside, { ok: false }, { root }))
    expect(err).toBeInstanceOf(OutsideRootError)
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(existsSync(join(outer, 'escape.json'))).toBe(false)
    expect(snapshot(outer)).toEqual(before)
  })

  it('holds the lock for the write with lock: true and releases it', async () => {
    const dir = tempDir()
    const file = join(dir, 'locked.json')
    fsWriteFileSync(file, '{}\n')
    const stats = await api.write(file, { locked: true }, { lock: true })
    expect(stats.ops.locks).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('{\n  "locked": true\n}\n')
    expect(readdirSync(dir)).toEqual(['locked.json'])
  })

  it('creates missing parent directories, and fails with ENOENT when mkdirs is false', async () => {
    const dir = tempDir()
    await api.write(join(dir, 'a', 'b', 'deep.json'), [1])
    expect(readFileSync(join(dir, 'a', 'b', 'deep.json'), 'utf8')).toBe('[\n  1\n]\n')
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(join(dir, 'c', 'deep.json'), [1], { mkdirs: false }))
    expect(err.code).toBe('ENOENT')
    expect(snapshot(dir)).toEqual(before)
  })
})
