import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lockedOptions } from '../../src/call-options.js'
import { update, updateJson, withLock } from '../../src/index.js'
import { apis, type CaughtError, errorOf, failureOf } from '../core/write-api.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

function fixture() {
  const dir = tempDir()
  const file = join(dir, 'target.txt')
  fsWriteFileSync(file, 'original')
  return { dir, file }
}

/** Runs a call that must reject (never throw synchronously) and proves it changed nothing on disk. */
async function rejectsCleanly(dir: string, run: () => unknown): Promise<CaughtError> {
  const before = snapshot(dir)
  let result: unknown
  try {
    result = run()
  } catch (err) {
    throw new Error(`the call threw synchronously instead of rejecting: ${String(err)}`)
  }
  const err = await errorOf(() => result)
  expect(snapshot(dir)).toEqual(before)
  return err
}

const notFunctions: [string, unknown][] = [
  ['a string', 'fn'],
  ['undefined', undefined],
  ['null', null],
  ['an object', {}],
]

describe.each(notFunctions)('fn that is %s', (_label, fn) => {
  const calls: [string, (file: string) => unknown][] = [
    ['withLock', (file) => withLock(file, fn as never)],
    ['update', (file) => update(file, fn as never)],
    ['updateJson', (file) => updateJson(file, fn as never)],
  ]
  it.each(calls)('%s rejects with ERR_INVALID_ARG_TYPE naming fn', async (_name, call) => {
    const { dir, file } = fixture()
    const err = await rejectsCleanly(dir, () => call(file))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
    expect(err.message).toContain('`fn`')
  })
})

describe('update with fn returning something other than a string', () => {
  const returns: [string, unknown][] = [
    ['a number', 42],
    ['undefined', undefined],
    ['a Buffer', Buffer.from('x')],
    ['an object', { text: 'x' }],
  ]
  it.each(returns)(
    'rejects %s with ERR_INVALID_ARG_TYPE, writes nothing and releases the lock',
    async (_l, value) => {
      const { dir, file } = fixture()
      const err = await rejectsCleanly(dir, () => update(file, () => value as string))
      expect(err).toBeInstanceOf(TypeError)
      expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
      expect(err.message).toContain('fn')
      await expect(update(file, () => 'next', { lock: { retries: 0 } })).resolves.toMatchObject({
        changed: true,
      })
    },
  )
})

type LockCase = [
  label: string,
  lock: unknown,
  error: TypeErrorConstructor | RangeErrorConstructor,
  code: string,
]

const lockCases: LockCase[] = [
  ['stale -1', { stale: -1 }, RangeError, 'ERR_INVALID_ARG_VALUE'],
  ['stale NaN', { stale: Number.NaN }, RangeError, 'ERR_INVALID_ARG_VALUE'],
  ["stale '2000'", { stale: '2000' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
  ['retries -1', { retries: -1 }, RangeError, 'ERR_INVALID_ARG_VALUE'],
  ['retries 1.5', { retries: 1.5 }, RangeError, 'ERR_INVALID_ARG_VALUE'],
  ['onCompromised that is not a function', { onCompromised: 'log' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
]

describe.each(lockCases)('LockOptions with %s', (_label, lock, error, code) => {
  it('withLock rejects before taking the lock or calling fn', async () => {
    const { dir, file } = fixture()
    let called = false
    const err = await rejectsCleanly(dir, () =>
      withLock(
        file,
        async () => {
          called = true
        },
        lock as never,
      ),
    )
    expect(err).toBeInstanceOf(error)
    expect(err.code).toBe(code)
    expect(called).toBe(false)
  })

  it('update and updateJson reject before calling fn', async () => {
    const { dir, file } = fixture()
    let called = false
    const fn = () => {
      called = true
      return 'x'
    }
    for (const call of [
      () => update(file, fn, { lock: lock as never }),
      () => updateJson(file, fn, { lock: lock as never }),
    ]) {
      const err = await rejectsCleanly(dir, call)
      expect(err).toBeInstanceOf(error)
      expect(err.code).toBe(code)
      expect(err.message).toContain('`options.lock.')
    }
    expect(called).toBe(false)
  })

  it.each(apis)('$name rejects the lock option with it', async (api) => {
    const { dir, file } = fixture()
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, 'new', { lock }))
    expect(err).toBeInstanceOf(error)
    expect(err.code).toBe(code)
    expect(err.message).toContain('`options.lock.')
    expect(snapshot(dir)).toEqual(before)
  })
})

describe.each(apis)('$name with a lock option that is not true or LockOptions', (api) => {
  it.each([
    ['a string', 'yes'],
    ['a number', 1],
  ])('rejects %s with ERR_INVALID_ARG_TYPE', async (_l, lock) => {
    const { dir, file } = fixture()
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, 'new', { lock }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
    expect(err.message).toContain('`options.lock`')
    expect(snapshot(dir)).toEqual(before)
  })
})

describe('withLock with options that are not an object', () => {
  it('rejects a number as LockOptions', async () => {
    const { dir, file } = fixture()
    const err = await rejectsCleanly(dir, () => withLock(file, async () => 1, 5 as never))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
  })
})

describe('withLock with an aborted signal', () => {
  it('fails with ABORT_ERR without calling fn or creating a lock', async () => {
    const { dir, file } = fixture()
    const before = snapshot(dir)
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    let called = false
    const err = await rejectsCleanly(dir, () =>
      withLock(
        file,
        () => {
          called = true
        },
        { signal: controller.signal },
      ),
    )
    expect(err.code).toBe('ABORT_ERR')
    expect(err.path).toBe(file)
    expect(err.message).toContain(file)
    expect(called).toBe(false)
    expect(snapshot(dir)).toEqual(before)
  })

  it('runs fn when the signal is not aborted', async () => {
    const { file } = fixture()
    await expect(withLock(file, () => 'ran', { signal: new AbortController().signal })).resolves.toBe('ran')
  })

  it('refuses a signal that is not an AbortSignal', async () => {
    const { dir, file } = fixture()
    const err = await rejectsCleanly(dir, () => withLock(file, () => 1, { signal: {} as AbortSignal }))
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
    expect(err.message).toContain('`options.signal`')
  })
})

describe('update and updateJson lock options', () => {
  it('take the lock options at the top level, over those under lock', () => {
    expect(lockedOptions({ retries: 0 }).lock).toEqual({ retries: 0 })
    expect(lockedOptions({ lock: { stale: 5000, retries: 3 }, retries: 0 }).lock).toEqual({
      stale: 5000,
      retries: 0,
    })
    expect(lockedOptions({}).lock).toBe(true)
    expect(lockedOptions({ retries: 0 })).not.toHaveProperty('retries')
  })

  it.each([
    ['update', (file: string) => update(file, () => 'x', { lock: false })],
    ['updateJson', (file: string) => updateJson(file, () => ({}), { lock: false })],
  ])('%s refuses lock: false instead of locking anyway', async (_name, call) => {
    const { dir, file } = fixture()
    const err = await rejectsCleanly(dir, () => call(file))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(err.message).toContain('`options.lock`')
  })
})
