import fc from 'fast-check'
import stringify from 'fast-json-stable-stringify'
import { describe, expect, it } from 'vitest'
import { serializeJson } from '../../src/formats/json-serialize.js'
import {
  hasIndexKey,
  jsonish,
  minify,
  native,
  replacer,
  replacerArray,
  resolved,
  serializers,
  sortedCopy,
  space,
} from './json-values.js'

describe.each(serializers)('$name', ({ run }) => {
  it('writes exactly what JSON.stringify writes, plus a final newline', () => {
    fc.assert(
      fc.property(jsonish, space, replacer, (value, spaceOption, replacerOption) => {
        const expected = native(value, replacerOption, spaceOption)
        if ('error' in expected) {
          // e.g. an object inheriting from a Date: its toJSON throws, and so must the serializers
          expect(() => run(value, { space: spaceOption, replacer: replacerOption })).toThrow(expected.error)
          return
        }
        fc.pre(expected.text !== undefined)
        expect(run(value, { space: spaceOption, replacer: replacerOption })).toBe(`${expected.text}\n`)
        expect(run(value, { space: spaceOption, replacer: replacerOption, finalNewline: false })).toBe(
          expected.text,
        )
      }),
      { numRuns: 300 },
    )
  })

  it('indents with 2 spaces and ends with a newline by default', () => {
    const value = { a: [1, { b: null }], c: 'x' }
    expect(run(value, {})).toBe(`${JSON.stringify(value, null, 2)}\n`)
  })

  it('applies toJSON before the replacer, with the member key and the holder as this', () => {
    const calls: string[] = []
    const holder = { when: { toJSON: (k: string) => `toJSON(${k})` }, list: [{ toJSON: (k: string) => k }] }
    const out = run(holder, {
      space: 0,
      replacer(this: unknown, k: string, v: unknown) {
        calls.push(`${k}:${JSON.stringify(v)}:${Array.isArray(this) ? 'array' : typeof this}`)
        return v
      },
    })
    expect(out).toBe('{"when":"toJSON(when)","list":["0"]}\n')
    expect(calls).toEqual([
      ':{"when":"toJSON(when)","list":["0"]}:object',
      'when:"toJSON(when)":object',
      'list:["0"]:object',
      '0:"0":array',
    ])
  })

  it('writes the same keys in sorted order when stable', () => {
    fc.assert(
      fc.property(jsonish, space, replacer, (value, spaceOption, replacerOption) => {
        const data = resolved(value, replacerOption)
        fc.pre(data !== undefined)
        const out = run(value, {
          space: spaceOption,
          replacer: replacerOption,
          stable: true,
          finalNewline: false,
        })
        if (!hasIndexKey(data)) expect(out).toBe(JSON.stringify(sortedCopy(data), null, spaceOption))
        const flat = run(value, { space: 0, replacer: replacerOption, stable: true, finalNewline: false })
        expect(flat).toBe(stringify(data))
        if (/^\s*$/.test(String(spaceOption))) expect(minify(out)).toBe(flat)
      }),
      { numRuns: 300 },
    )
  })

  it('matches fast-json-stable-stringify on JSON values when stable without space', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(run(value, { stable: true, space: 0 })).toBe(`${stringify(value)}\n`)
      }),
    )
  })

  it('sorts integer-like keys as strings when stable', () => {
    expect(run({ 10: 'a', 2: 'b', b: 1, a: { z: 1, 1: 2 } }, { stable: true, space: 0 })).toBe(
      '{"10":"a","2":"b","a":{"1":2,"z":1},"b":1}\n',
    )
  })

  it('keeps only the allowlisted keys, in sorted order when stable', () => {
    fc.assert(
      fc.property(jsonish, replacerArray, space, (value, keys, spaceOption) => {
        const sorted = [...new Set(keys.map(String))].sort()
        const expected = native(value, sorted, spaceOption)
        if ('error' in expected) {
          expect(() => run(value, { replacer: keys, stable: true, space: spaceOption })).toThrow(
            expected.error,
          )
          return
        }
        fc.pre(expected.text !== undefined)
        expect(run(value, { replacer: keys, stable: true, space: spaceOption })).toBe(`${expected.text}\n`)
      }),
    )
  })

  it('reads inherited and non-enumerable keys named by an allowlist, as JSON.stringify does', () => {
    const value = Object.create({ inherited: 1 }, { hidden: { value: 2, enumerable: false } })
    expect(run(value, { replacer: ['hidden', 'inherited', 'missing'], space: 0 })).toBe(
      '{"hidden":2,"inherited":1}\n',
    )
  })
})

describe('serializeJson', () => {
  it('clamps a numeric space to 10 and cuts a string space to 10 characters', () => {
    const value = { a: [1] }
    expect(serializeJson(value, { space: 11 })).toBe(`${JSON.stringify(value, null, 10)}\n`)
    expect(serializeJson(value, { space: 'abcdefghijkl' })).toBe(
      `${JSON.stringify(value, null, 'abcdefghij')}\n`,
    )
  })

  it('rejects options of the wrong type with ERR_INVALID_ARG_TYPE', () => {
    expect(() => serializeJson({}, { space: true as unknown as number })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
    expect(() => serializeJson({}, { replacer: 5 as unknown as null })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
    expect(() => serializeJson({}, { stable: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
    expect(() => serializeJson({}, { finalNewline: 1 as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
  })
})
