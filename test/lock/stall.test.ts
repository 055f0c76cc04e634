import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync as fsWriteFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { LockCompromisedError, withLock } from '../../src/index.js'
import { apis, type CaughtError, errorOf } from '../core/write-api.js'
import { type Child, ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

const holdLock = new URL('./fixtures/hold-lock.mjs', import.meta.url)
const STALE = 2000

/** Blocks the event loop (so the lock is not refreshed) until `done()` holds; gives up after 30 s. */
function stallUntil(done: () => boolean): void {
  const limit = Date.now() + 30_000
  while (!done()) {
    if (Date.now() > limit) throw new Error('The condition the stall waited for never came true.')
  }
}

/** True once the lock at `lockPath` has gone unrefreshed for longer than `stale` (plus a margin). */
const lapsed = (lockPath: string) => () => Date.now() - statSync(lockPath).mtimeMs > STALE + 300

function unshareWorks(): boolean {
  try {
    execFileSync('unshare', ['--pid', '--fork', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function existing(content: string) {
  const dir = tempDir()
  const file = join(dir, 'shared.txt')
  fsWriteFileSync(file, content)
  return { dir, file, lockPath: `${file}.lock` }
}

describe('a lock held across several refreshes while the event loop runs', () => {
  it('stays valid: writes inside withLock commit after each refresh, with either API', async () => {
    const { dir, file, lockPath } = existing('0')
    await withLock(
      file,
      async () => {
        for (let round = 1; round <= 4; round++) {
          // Wait for the next refresh of the lock (every stale / 2 ms), then write under it.
          const before = statSync(lockPath).mtimeMs
          await vi.waitFor(() => expect(statSync(lockPath).mtimeMs).not.toBe(before), { timeout: 10_000 })
          const api = apis[round % apis.length] as (typeof apis)[number]
          const stats = await api.write(file, String(round), { lock: true })
          expect(stats.changed).toBe(true)
        }
      },
      { stale: STALE },
    )
    expect(readFileSync(file, 'utf8')).toBe('4')
    expect(existsSync(lockPath)).toBe(false)
    expect(tempFilesIn(dir)).toEqual([])
  })
})

describe.each(apis)('an event-loop stall past `stale` on this host, then $name', (api) => {
  it('keeps the lock (its holder lives): the write commits and the lock is released', async () => {
    const { dir, file, lockPath } = existing('before')
    await withLock(
      file,
      async () => {
        stallUntil(lapsed(lockPath))
        await api.write(file, 'after the stall', { lock: true })
      },
      { stale: STALE },
    )
    expect(readFileSync(file, 'utf8')).toBe('after the stall')
    expect(tempFilesIn(dir)).toEqual([])
    expect(existsSync(lockPath)).toBe(false)
  })
})

describe.skipIf(!unshareWorks())(
  'an event-loop stall past `stale` while a process in another pid namespace takes the lock over (needs unshare --pid)',
  () => {
    it.each(apis)(
      'fails the write ($name) and withLock with ERR_LOCK_COMPROMISED and commits nothing',
      async (api) => {
        const { dir, file, lockPath } = existing('before')
        const compromised: Error[] = []
        let taker: Child | undefined
        let inner: CaughtError | undefined
        const outer = await errorOf(() =>
          withLock(
            file,
            async () => {
              // It cannot judge us, so it waits until our lock is stale, then takes it and writes.
              const retries = { retries: 10_000, factor: 1, minTimeout: 20, maxTimeout: 20 }
              taker = startChild(
                holdLock,
                [JSON.stringify({ file, stale: STALE, retries, write: 'taken over' })],
                ['unshare', '--pid', '--fork'],
              )
              stallUntil(() => readFileSync(file, 'utf8') === 'taken over')
              inner = await errorOf(() => api.call(file, 'written by the stalled holder', { lock: true }))
              return 'fn finished'
            },
            { stale: STALE, onCompromised: (err) => compromised.push(err) },
          ),
        )
        expect(inner).toBeInstanceOf(LockCompromisedError)
        expect(outer).toBeInstanceOf(LockCompromisedError)
        expect(readFileSync(file, 'utf8')).toBe('taken over')
        expect(tempFilesIn(dir)).toEqual([])
        // The stalled holder did not remove the lock of the process that took it over.
        await taker?.line('locked')
        expect(existsSync(lockPath)).toBe(true)
        await vi.waitFor(() => expect(compromised).toHaveLength(1))
        taker?.send('release')
        await succeeded(taker as Child)
        expect(existsSync(lockPath)).toBe(false)
      },
    )
  },
)
