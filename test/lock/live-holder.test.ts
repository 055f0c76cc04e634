import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { update, withLock } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { tempDir } from '../helpers/tmp.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

const holdLock = new URL('./fixtures/hold-lock.mjs', import.meta.url)
const STALE = 2000

function existing(content: string) {
  const dir = tempDir()
  const file = join(dir, 'shared.txt')
  fsWriteFileSync(file, content)
  return { dir, file, lockPath: `${file}.lock` }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs node in a new pid namespace under a pid that no process of ours has, so that a holder judged
 * by its pid alone would look dead here.
 */
function inPidNamespace(): string[] {
  let pid = 20_000
  while (existsSync(`/proc/${pid}`) || existsSync(`/proc/${pid + 1}`)) pid += 7
  const script = `echo ${pid} > /proc/sys/kernel/ns_last_pid; "$@"`
  return ['unshare', '--pid', '--fork', '--mount-proc', 'sh', '-c', script, 'sh']
}

function unshareWorks(): boolean {
  try {
    execFileSync(
      'unshare',
      ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'echo 20000 > /proc/sys/kernel/ns_last_pid'],
      {
        stdio: 'ignore',
      },
    )
    return true
  } catch {
    return false
  }
}

describe('a lock whose holder is alive on this host', () => {
  it('is never taken over while the holder is paused past `stale`; the holder commits, then the waiter proceeds', async () => {
    const { file, lockPath } = existing('before')
    const holder = startChild(holdLock, [
      JSON.stringify({ file, stale: STALE, writeOnRelease: 'by the holder' }),
    ])
    await holder.line('locked')
    holder.kill('SIGSTOP')
    let got = false
    const retries = { retries: 60, factor: 1, minTimeout: 100, maxTimeout: 100 }
    const waiter = update(file, (current) => `${current}, then by the waiter`, {
      lock: { stale: STALE, retries },
    }).then((stats) => {
      got = true
      return stats
    })
    await sleep(STALE + 1500)
    // The lock went unrefreshed for longer than `stale`, yet its holder lives: nobody took it.
    expect(got).toBe(false)
    expect(existsSync(lockPath)).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('before')
    holder.kill('SIGCONT')
    holder.send('release')
    await succeeded(holder)
    await waiter
    expect(readFileSync(file, 'utf8')).toBe('by the holder, then by the waiter')
    expect(existsSync(lockPath)).toBe(false)
  }, 30_000)

  it('makes a contender without retries fail with ERR_LOCKED even once it is stale', async () => {
    const { file } = existing('before')
    const holder = startChild(holdLock, [JSON.stringify({ file, stale: STALE })])
    await holder.line('locked')
    holder.kill('SIGSTOP')
    // proper-lockfile stamps a fresh lock up to 1 s ahead: wait until it is surely stale.
    await sleep(STALE + 1500)
    const err = await errorOf(() => withLock(file, async () => 'taken', { stale: STALE, retries: 0 }))
    expect(err.code).toBe('ERR_LOCKED')
    holder.kill('SIGCONT')
    holder.send('release')
    await succeeded(holder)
    await expect(withLock(file, async () => 'free', { retries: 0 })).resolves.toBe('free')
  }, 30_000)

  it('is taken at once when its holder is killed with SIGKILL', async () => {
    const { file } = existing('before')
    const holder = startChild(holdLock, [JSON.stringify({ file, stale: 10_000 })])
    await holder.line('locked')
    holder.kill('SIGKILL')
    await holder.exited
    // retries: 0 and a stale time of 10 s: only a holder judged dead lets this succeed.
    await expect(withLock(file, async () => 'taken', { retries: 0 })).resolves.toBe('taken')
  })
})

describe.skipIf(!unshareWorks())(
  'a lock held from another pid namespace (needs root for unshare --pid --mount-proc)',
  () => {
    it('is never declared dead: it is taken over only once stale', async () => {
      const { file, lockPath } = existing('before')
      const holder = startChild(holdLock, [JSON.stringify({ file, stale: STALE })], inPidNamespace())
      await holder.line('locked')
      const err = await errorOf(() => withLock(file, async () => 'taken', { stale: STALE, retries: 0 }))
      expect(err.code).toBe('ERR_LOCKED')
      expect(existsSync(lockPath)).toBe(true)
      holder.send('release')
      await succeeded(holder)
      await expect(withLock(file, async () => 'free', { retries: 0 })).resolves.toBe('free')
    })
  },
)
