import { describe, expect, it } from 'vitest'
import { DurableWriteError, SerializeError } from '../../src/errors.js'
import { jsonChunks, serializeJson } from '../../src/formats/json-serialize.js'
import { serializers } from './json-values.js'

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

function serializeError(fn: () => unknown): SerializeError {
  const err = thrown(fn)
  expect(err).toBeInstanceOf(SerializeError)
  expect(err).toBeInstanceOf(DurableWriteError)
  expect((err as SerializeError).code).toBe('ERR_SERIALIZE')
  return err as SerializeError
}

function cyclic() {
  const user: Record<string, unknown> = { id: 3, friends: [] }
  ;(user.friends as unknown[]).push({ name: 'x' }, user)
  return { users: [{}, {}, {}, user] }
}

const stableSerializers = serializers.map(({ name, run }) => ({
  name: `${name}, stable`,
  run: (value: unknown, options: object) => run(value, { ...options, stable: true }),
}))

describe.each([...serializers, ...stableSerializers])('$name', ({ run }) => {
  it('names the JSON path of a cycle and of the ancestor it points back to', () => {
    const err = serializeError(() => run(cyclic(), {}))
    expect(err.jsonPath).toBe('$.users[3].friends[1]')
    expect(err.message).toContain('$.users[3].friends[1]')
    expect(err.message).toContain('circular reference to $.users[3]')
    expect(err.message).toContain('nothing was written')
  })

  it('names the JSON path of a BigInt and says what to do', () => {
    const err = serializeError(() => run({ a: [1, 2, { b: 10n }] }, { space: 0 }))
    expect(err.jsonPath).toBe('$.a[2].b')
    expect(err.message).toMatch(/^Cannot serialize the value at \$\.a\[2\]\.b to JSON/)
    expect(err.message).toContain('Convert it to a string or a number')
  })

  it('finds a boxed BigInt too', () => {
    expect(serializeError(() => run([[Object(1n)]], {})).jsonPath).toBe('$[0][0]')
  })

  it('quotes keys that are not identifiers in the JSON path', () => {
    const err = serializeError(() => run({ 'a b': { 0: { é: [5n] } } }, {}))
    expect(err.jsonPath).toBe('$["a b"]["0"]["é"][0]')
  })

  it('rejects a top-level value that serializes to nothing', () => {
    for (const value of [undefined, () => 1, Symbol('s'), { toJSON: () => undefined }]) {
      const err = serializeError(() => run(value, {}))
      expect(err.jsonPath).toBe('$')
      expect(err.message).toContain('top-level value is')
    }
    expect(serializeError(() => run({ a: 1 }, { replacer: () => undefined })).jsonPath).toBe('$')
  })

  it('serializes a BigInt that a replacer converts', () => {
    const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)
    expect(run({ a: [2n] }, { replacer, space: 0 })).toBe('{"a":["2"]}\n')
  })

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 }
    expect(run({ a: shared, b: [shared] }, { space: 0 })).toBe('{"a":{"x":1},"b":[{"x":1}]}\n')
  })

  it('passes an error thrown by toJSON through unchanged', () => {
    const boom = new TypeError('boom')
    const value = {
      a: {
        toJSON() {
          throw boom
        },
      },
    }
    expect(thrown(() => run(value, {}))).toBe(boom)
  })
})

describe('serializeJson', () => {
  it("keeps JSON.stringify's TypeError as the cause", () => {
    const err = serializeError(() => serializeJson(cyclic()))
    expect(err.cause).toBeInstanceOf(TypeError)
    expect((err.cause as Error).message).toMatch(/circular/i)
  })

  it('names the file in the message when given its path', () => {
    const err = serializeError(() => serializeJson({ n: 1n }, { path: '/data/state.json' }))
    expect(err.path).toBe('/data/state.json')
    expect(err.message).toContain('/data/state.json')
  })

  it('advises streaming when nesting is too deep for the native serializer', () => {
    let deep: unknown = 0
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const err = serializeError(() => serializeJson(deep, { space: 0 }))
    expect(err.message).toContain('stream: true')
    expect(err.cause).toBeInstanceOf(RangeError)
  })
})

describe('jsonChunks', () => {
  it('throws from the next() that reaches the problem, after yielding the text before it', () => {
    const big = Array.from({ length: 2000 }, (_, i) => `item ${i}`)
    const chunks = jsonChunks([...big, 1n], { chunkSize: 1024, subtreeLimit: 0 })
    const first = chunks.next()
    expect(first.done).toBe(false)
    expect(first.value).toMatch(/^\[\n {2}"item 0",/)
    const err = serializeError(() => {
      for (const _ of chunks);
    })
    expect(err.jsonPath).toBe('$[2000]')
  })

  it('checks its options when called, before the value is read', () => {
    expect(() => jsonChunks({}, { chunkSize: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    )
    expect(() => jsonChunks({}, { subtreeLimit: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    )
    expect(() => jsonChunks({}, { space: {} as unknown as number })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
  })
})
