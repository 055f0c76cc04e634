import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { update, writeFile } from '../../src/index.js'
import { ensureBuilt } from '../helpers/children.js'
import { straceMissing, traced } from '../helpers/strace.js'
import { tempDir } from '../helpers/tmp.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

const fixture = new URL('./fixtures/lock-cleanup.mjs', import.meta.url)
const apis = ['writeFile', 'writeFileSync', 'update', 'updateJson', 'withLock']
/** The lock's cleanup, in the order it runs: the owner record, then the lock directory. */
const failures = [
  { call: 'unlink', of: 'owner record', suffix: '.lock/owner' },
  { call: 'rmdir', of: 'lock directory', suffix: '.lock' },
]

function existing() {
  const file = join(tempDir(), 'state.txt')
  fsWriteFileSync(file, '"old"')
  return { file, lockPath: `${file}.lock` }
}

/** The one call strace made fail, which must be the lock's own cleanup. */
function injected(trace: string[]): string {
  const lines = trace.filter((line) => line.includes('(INJECTED)'))
  expect(lines).toHaveLength(1)
  return lines[0] as string
}

describe.skipIf(straceMissing !== undefined)(
  `EIO in a real process while a lock is cleaned up after a commit${straceMissing ? ` (skipped: ${straceMissing})` : ''}`,
  () => {
    describe.each(failures)('on the $call of the $of', ({ call, suffix }) => {
      it.each(apis)(
        '%s reports success, publishes the failure on durable-write:lock, and its next write takes the lock at once',
        (api) => {
          const { file, lockPath } = existing()
          const run = traced(fixture, [api, file], 'unlink,rmdir', `${call}:error=EIO:when=1`)
          expect(run.stderr).toBe('')
          expect(run.status).toBe(0)
          expect(injected(run.trace)).toContain(`${call}("${file}${suffix}")`)
          const out = JSON.parse(run.stdout) as { contents: string[]; events: unknown[] }
          // Both writes committed; the second, with retries: 0, did not wait for the first's lock to go stale.
          const second = api === 'updateJson' ? '"write 2"' : 'write 2'
          expect(out.contents.at(-1)?.trim()).toBe(second)
          expect(out.events).toEqual([{ event: 'release-failed', code: 'EIO' }])
          expect(existsSync(lockPath)).toBe(false)
        },
      )

      it('leaves a lock that the next process takes at once once the writer has exited', async () => {
        const { file, lockPath } = existing()
        const run = traced(fixture, ['writeFile', file, '1'], 'unlink,rmdir', `${call}:error=EIO:when=1`)
        expect(run.status).toBe(0)
        expect(injected(run.trace)).toContain(`${call}("${file}${suffix}")`)
        expect(existsSync(lockPath)).toBe(true)
        await update(file, () => 'next', { lock: { retries: 0 } })
        expect(readFileSync(file, 'utf8')).toBe('next')
        await writeFile(file, 'after', { lock: { retries: 0 } })
        expect(existsSync(lockPath)).toBe(false)
      })
    })
  },
)
