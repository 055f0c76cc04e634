import stringify from 'fast-json-stable-stringify'
import { describe, expect, it } from 'vitest'
import { estimateJsonSize, jsonChunks, serializeJson } from '../../src/formats/json-serialize.js'

const MiB = 1024 * 1024

/** About `bytes` of JSON: many small records, a few larger strings, nested a few levels deep. */
function largeValue(bytes: number) {
  const records: unknown[] = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const record = {
      id: i,
      name: `user ${i}`,
      tags: ['a', 'b', i % 3 === 0 ? 'c\u2028"' : 'd'],
      score: i / 7,
      seen: new Date(1_700_000_000_000 + i),
      nested: { z: i % 2 === 0, y: null, x: [1, 2, { deep: `v${i}` }] },
      note: i % 5000 === 0 ? 'x'.repeat(256 * 1024) : undefined,
    }
    records.push(record)
    size += i % 5000 === 0 ? 256 * 1024 + 300 : 300
  }
  return { version: 1, records, index: { first: records[0], count: records.length } }
}

describe('jsonChunks on large values', () => {
  it('yields bounded chunks whose concatenation is the native JSON text', () => {
    const value = largeValue(50 * MiB)
    const expected = JSON.stringify(value, null, 2)
    expect(expected.length).toBeGreaterThan(45 * MiB)
    let at = 0
    let count = 0
    for (const chunk of jsonChunks(value, { finalNewline: false })) {
      expect(chunk.length).toBeLessThanOrEqual(2 * MiB)
      if (chunk !== expected.slice(at, at + chunk.length)) {
        expect.fail(`chunk ${count} differs from the native text at offset ${at}`)
      }
      at += chunk.length
      count++
    }
    expect(at).toBe(expected.length)
    expect(count).toBeGreaterThan(20)
  })

  it('yields chunks of at least 64 KiB but the last, so the writer makes few writes', () => {
    const value = largeValue(4 * MiB)
    const chunks = [...jsonChunks(value, { space: 0 })]
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024)
    expect(chunks.join('')).toBe(`${JSON.stringify(value)}\n`)
  })

  it('stays bounded in stable mode too, keys sorted', () => {
    const value = largeValue(6 * MiB)
    let out = ''
    for (const chunk of jsonChunks(value, { stable: true })) {
      expect(chunk.length).toBeLessThanOrEqual(2 * MiB)
      out += chunk
    }
    expect(out).toBe(serializeJson(value, { stable: true }))
    expect(out.indexOf('"index"')).toBeLessThan(out.indexOf('"records"'))
    expect(out.slice(0, 200)).toMatch(
      /^\{\n {2}"index": \{\n {4}"count": \d+,\n {4}"first": \{\n {6}"id": 0,/,
    )
  })

  it('serializes nesting far deeper than the call stack allows', () => {
    const depth = 100_000
    let deep: unknown = { leaf: true }
    for (let i = 0; i < depth; i++) deep = i % 2 === 0 ? [deep] : { k: deep }
    let length = 0
    let head = ''
    for (const chunk of jsonChunks(deep, { space: 0 })) {
      if (head.length < 20) head += chunk
      length += chunk.length
    }
    expect(head.startsWith('{"k":[{"k":[')).toBe(true)
    expect(length).toBe((depth / 2) * '[]'.length + (depth / 2) * '{"k":}'.length + '{"leaf":true}\n'.length)
  })

  it('writes the side branches of a deep path exactly, with or without space and sorting', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 1500; i++) {
      deep = i % 3 === 0 ? [{ b: i, a: [i, 'x'] }, deep, null] : { z: { y: i, x: [i] }, next: deep, a: i }
    }
    for (const space of [0, 2, '\t']) {
      expect([...jsonChunks(deep, { space })].join('')).toBe(`${JSON.stringify(deep, null, space)}\n`)
    }
    expect([...jsonChunks(deep, { space: 0, stable: true })].join('')).toBe(`${stringify(deep)}\n`)
    expect(serializeJson(deep, { space: 0, stable: true })).toBe(`${stringify(deep)}\n`)
  })

  it('reads the value lazily, as chunks are pulled', () => {
    let reads = 0
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      get value() {
        reads++
        return i
      },
    }))
    const chunks = jsonChunks(rows, { subtreeLimit: 0, chunkSize: 1024 })
    expect(reads).toBe(0)
    chunks.next()
    expect(reads).toBeGreaterThan(0)
    expect(reads).toBeLessThan(1000)
  })
})

describe('estimateJsonSize', () => {
  it('is close to the real length for plain data', () => {
    const value = largeValue(MiB)
    const real = JSON.stringify(value, null, 2).length
    const estimate = estimateJsonSize(value, 10 * MiB)
    expect(estimate).toBeGreaterThan(real / 2)
    expect(estimate).toBeLessThan(real * 2)
  })

  it('stops as soon as the estimate exceeds the limit', () => {
    let reads = 0
    const rows = Array.from({ length: 10_000 }, () => ({
      get value() {
        reads++
        return 'xxxxxxxxxx'
      },
    }))
    expect(estimateJsonSize(rows, 1000)).toBe(Number.POSITIVE_INFINITY)
    expect(reads).toBeLessThan(100)
  })

  it('is infinite for what cannot be measured without running user code or failing', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(estimateJsonSize(cycle, MiB)).toBe(Number.POSITIVE_INFINITY)
    expect(estimateJsonSize({ a: 1n }, MiB)).toBe(Number.POSITIVE_INFINITY)
    expect(estimateJsonSize({ a: { toJSON: () => 1 } }, MiB)).toBe(Number.POSITIVE_INFINITY)
    expect(estimateJsonSize({ when: new Date(0) }, MiB)).toBeLessThan(100)
  })

  it('counts indentation', () => {
    const value = Array.from({ length: 100 }, (_, i) => [i, [i]])
    expect(estimateJsonSize(value, MiB, { space: 8 })).toBeGreaterThan(
      estimateJsonSize(value, MiB, { space: 0 }),
    )
  })
})
