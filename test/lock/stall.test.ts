import { existsSync, writeFileSync as fsWriteFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { withLock } from '../../src/index.js'
import { apis } from '../core/write-api.js'
import { ensureBuilt } from '../helpers/children.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

const STALE = 2000

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
