import { existsSync, writeFileSync as fsWriteFileSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ConflictError,
  LockedError,
  update,
  updateJson,
  versionOf,
  withLock,
  writeFileSync,
} from '../../src/index.js'
import { apis, errorOf, failureOf } from '../core/write-api.js'
import { ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

const holdLock = new URL('./fixtures/hold-lock.mjs', import.meta.url)
const writeUnlocked = new URL('./fixtures/write-unlocked.mjs', import.meta.url)

/** A child process holding the lock on `file` until it is sent "release". */
async function lockHolder(
  file: string,
  options: { stale?: number; write?: string; writeOnRelease?: string } = {},
) {
  const child = startChild(holdLock, [JSON.stringify({ file, ...options })])
  await child.line('locked')
  return child
}

function existing(content: string) {
  const dir = tempDir()
  const file = join(dir, 'shared.txt')
  fsWriteFileSync(file, content)
  return { dir, file }
}

describe('a lock held by another process', () => {
  it('makes withLock with retries: 0 fail with ERR_LOCKED and the holder’s age, without calling fn', async () => {
    const { dir, file } = existing('old')
    const holder = await lockHolder(file)
    const before = snapshot(dir)
    let called = false
    const err = await errorOf(() =>
      withLock(
        file,
        async () => {
          called = true
        },
        { retries: 0 },
      ),
    )
    expect(err).toBeInstanceOf(LockedError)
    expect(err.code).toBe('ERR_LOCKED')
    expect(err.path).toBe(file)
    const { holderAgeMs } = err as LockedError
    expect(typeof holderAgeMs).toBe('number')
    expect(holderAgeMs).toBeGreaterThanOrEqual(0)
    expect(called).toBe(false)
    expect(snapshot(dir)).toEqual(before)
    expect(holder.running).toBe(true)

    holder.send('release')
    await succeeded(holder)
    expect(existsSync(`${file}.lock`)).toBe(false)
    await expect(withLock(file, async () => 'mine now', { retries: 0 })).resolves.toBe('mine now')
  })

  it.each([
    ['update', (file: string) => update(file, (t = '') => `${t}x`, { retries: 0 })],
    ['updateJson', (file: string) => updateJson(file, () => ({ n: 1 }), { retries: 0 })],
  ] as const)(
    'makes %s with the top-level lock option retries: 0 fail with ERR_LOCKED',
    async (_name, call) => {
      const { dir, file } = existing('{}')
      const holder = await lockHolder(file)
      const before = snapshot(dir)
      const err = await errorOf(() => call(file))
      expect(err.code).toBe('ERR_LOCKED')
      expect(snapshot(dir)).toEqual(before)
      holder.send('release')
      await succeeded(holder)
    },
  )

  it.each(apis)('makes $name with lock { retries: 0 } fail with ERR_LOCKED, writing nothing', async (api) => {
    const { dir, file } = existing('old')
    const holder = await lockHolder(file)
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, 'new', { lock: { retries: 0 } }))
    expect(err).toBeInstanceOf(LockedError)
    expect(err.code).toBe('ERR_LOCKED')
    expect(snapshot(dir)).toEqual(before)
    holder.send('release')
    await succeeded(holder)
    expect((await api.write(file, 'new', { lock: { retries: 0 } })).ops.locks).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('new')
  })

  it('makes update wait for it, then apply fn to what the holder wrote', async () => {
    const { file } = existing('0')
    // The holder writes once more after "release", still under its lock: an update that did not
    // wait would have its result overwritten.
    const holder = await lockHolder(file, { write: 'first', writeOnRelease: 'second' })
    let calls = 0
    const pending = update(file, (current) => {
      calls++
      return `${current} + update`
    })
    // Awaited below; a failure before that must not surface as an unhandled rejection.
    pending.catch(() => {})
    holder.send('release')
    await succeeded(holder)
    await pending
    expect(calls).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('second + update')
  })

  /** Ways the next process takes the lock over; each resolves with the moment it held the lock. */
  const takeovers: [string, (file: string) => Promise<number>][] = [
    [
      'withLock and update',
      async (file) => {
        let takenAt = 0
        await withLock(
          file,
          async () => {
            takenAt = Date.now()
            await update(file, (current) => `${current}, then new content`)
          },
          { stale: 2000 },
        )
        return takenAt
      },
    ],
    [
      'writeFileSync with the lock option',
      async (file) => {
        let takenAt = 0
        const stats = writeFileSync(file, 'old content, then new content', {
          lock: { stale: 2000 },
          onTempFile: () => {
            takenAt = Date.now()
          },
        })
        expect(stats.ops.locks).toBe(1)
        return takenAt
      },
    ],
  ]

  it.each(takeovers)(
    'killed with SIGKILL while holding it is taken over by the next process (%s)',
    async (_l, takeOver) => {
      const { dir, file } = existing('old content')
      const lockPath = `${file}.lock`
      const holder = await lockHolder(file, { stale: 2000 })
      holder.kill('SIGKILL')
      expect((await holder.exited).signal).toBe('SIGKILL')
      // The killed process could not remove its lock; the file is intact.
      expect(statSync(lockPath).isDirectory()).toBe(true)
      expect(readFileSync(file, 'utf8')).toBe('old content')
      expect(tempFilesIn(dir)).toEqual([])

      await takeOver(file)
      expect(readFileSync(file, 'utf8')).toBe('old content, then new content')
      expect(tempFilesIn(dir)).toEqual([])
      expect(existsSync(lockPath)).toBe(false)
    },
  )

  it.each(takeovers)(
    'left behind by a holder that cannot be checked goes stale after stale ms and is taken over (%s)',
    async (_l, takeOver) => {
      const { dir, file } = existing('old content')
      const lockPath = `${file}.lock`
      // A bare lock directory, as a holder on another host (or an older version) leaves it.
      mkdirSync(lockPath)
      const madeAt = Math.round(statSync(lockPath).mtimeMs)
      // Still fresh: not taken over.
      const err = await errorOf(() => withLock(file, async () => {}, { stale: 2000, retries: 0 }))
      expect(err.code).toBe('ERR_LOCKED')

      const takenAt = await takeOver(file)
      // Taken over only once it had gone unrefreshed for `stale` ms.
      expect(takenAt - madeAt).toBeGreaterThanOrEqual(2000)
      expect(readFileSync(file, 'utf8')).toBe('old content, then new content')
      expect(tempFilesIn(dir)).toEqual([])
      expect(existsSync(lockPath)).toBe(false)
    },
  )
})

describe.each(apis)('$name: compare-and-swap against a writer that does not lock', (api) => {
  it('fails with ERR_CONFLICT naming both versions and never overwrites the other writer’s content', async () => {
    const { dir, file } = existing('v1')
    const { version } = await api.read(file)
    const other = startChild(writeUnlocked, [file, 'written by another process'])
    await succeeded(other)

    const err = await failureOf(api, () => api.call(file, 'mine', { lock: true, ifMatch: version }))
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.expected).toBe(version)
    expect(err.expected).toBe(versionOf('v1'))
    expect(err.actual).toBe(versionOf('written by another process'))
    expect(readFileSync(file, 'utf8')).toBe('written by another process')
    expect(tempFilesIn(dir)).toEqual([])
    expect(existsSync(`${file}.lock`)).toBe(false)

    // Read again, swap again: now it goes through.
    const fresh = await api.read(file)
    const stats = await api.write(file, 'mine', { lock: true, ifMatch: fresh.version })
    expect(stats.changed).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('mine')
  })
})
