import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WriteQueue } from '../../src/index.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

const open: WriteQueue[] = []

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((q) => q.close()))
})

/** Calls `write` on a fresh queue; it must return a rejected promise, never throw synchronously. */
async function writeError(
  path: unknown,
  data: unknown,
  options?: unknown,
): Promise<Error & { code?: string }> {
  const queue = new WriteQueue()
  open.push(queue)
  let promise: Promise<unknown>
  try {
    promise = (queue.write as (...args: unknown[]) => Promise<unknown>)(path, data, options)
  } catch (err) {
    throw new Error(`write threw synchronously instead of rejecting: ${String(err)}`)
  }
  const err = await promise.then(
    () => {
      throw new Error('write was expected to reject but resolved')
    },
    (e: unknown) => e as Error & { code?: string },
  )
  expect(queue.stats.requested).toBe(0)
  return err
}

/** The error `new WriteQueue(options)` throws. */
function constructorError(options: unknown): Error & { code?: string } {
  try {
    open.push(new WriteQueue(options as never))
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error(`new WriteQueue(${JSON.stringify(options)}) was expected to throw`)
}

describe('WriteQueue.write with bad arguments', () => {
  it.each([
    ['a number path', 42, 'data', undefined, TypeError, 'ERR_INVALID_ARG_TYPE', /`path`/],
    ['an undefined path', undefined, 'data', undefined, TypeError, 'ERR_INVALID_ARG_TYPE', /`path`/],
    ['an empty path', '', 'data', undefined, TypeError, 'ERR_INVALID_ARG_VALUE', /`path`/],
    ['a path with a NUL byte', 'a\0b', 'data', undefined, TypeError, 'ERR_INVALID_ARG_VALUE', /`path`/],
    ['number data', 'file.txt', 42, undefined, TypeError, 'ERR_INVALID_ARG_TYPE', /`data`/],
    ['an object as data', 'file.txt', { a: 1 }, undefined, TypeError, 'ERR_INVALID_ARG_TYPE', /`data`/],
    ['an iterable as data', 'file.txt', ['a', 'b'], undefined, TypeError, 'ERR_INVALID_ARG_TYPE', /`data`/],
    [
      'priority "urgent"',
      'file.txt',
      'data',
      { priority: 'urgent' },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
      /priority/,
    ],
    ['options that are a string', 'file.txt', 'data', 'high', TypeError, 'ERR_INVALID_ARG_TYPE', /options/],
  ])(
    'rejects %s with a clear error and writes nothing',
    async (_, path, data, options, type, code, names) => {
      const dir = tempDir()
      const before = snapshot(dir)
      const target = typeof path === 'string' && path.length > 0 ? join(dir, path) : path
      const err = await writeError(target, data, options)
      expect(err).toBeInstanceOf(type)
      expect(err.code).toBe(code)
      expect(err.message).toMatch(names)
      expect(err.message).toMatch(/^Expected .+, got .+\.$/)
      expect(snapshot(dir)).toEqual(before)
    },
  )
})

describe('new WriteQueue with bad options', () => {
  it.each([
    ['delayMs: -1', { delayMs: -1 }, RangeError, 'ERR_INVALID_ARG_VALUE', /delayMs/],
    ['delayMs: NaN', { delayMs: Number.NaN }, RangeError, 'ERR_INVALID_ARG_VALUE', /delayMs/],
    [
      'delayMs: Infinity',
      { delayMs: Number.POSITIVE_INFINITY },
      RangeError,
      'ERR_INVALID_ARG_VALUE',
      /delayMs/,
    ],
    ['delayMs: "50"', { delayMs: '50' }, TypeError, 'ERR_INVALID_ARG_TYPE', /delayMs/],
    ['maxDelayMs: -5', { maxDelayMs: -5 }, RangeError, 'ERR_INVALID_ARG_VALUE', /maxDelayMs/],
    ['concurrency: 0', { concurrency: 0 }, RangeError, 'ERR_INVALID_ARG_VALUE', /concurrency/],
    ['concurrency: 1.5', { concurrency: 1.5 }, RangeError, 'ERR_INVALID_ARG_VALUE', /concurrency/],
    ['concurrency: "4"', { concurrency: '4' }, TypeError, 'ERR_INVALID_ARG_TYPE', /concurrency/],
    [
      'durability: "eventually"',
      { durability: 'eventually' },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
      /durability/,
    ],
    ['writer: {}', { writer: {} }, TypeError, 'ERR_INVALID_ARG_TYPE', /writer/],
    ['options that are a number', 5, TypeError, 'ERR_INVALID_ARG_TYPE', /options/],
  ])('throws for %s', (_, options, type, code, names) => {
    const err = constructorError(options)
    expect(err).toBeInstanceOf(type)
    expect(err.code).toBe(code)
    expect(err.message).toMatch(names)
  })

  it('accepts delayMs: 0 and the other limits at their minimum', () => {
    expect(() => open.push(new WriteQueue({ delayMs: 0, maxDelayMs: 0, concurrency: 1 }))).not.toThrow()
  })
})
