import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { existsSync, writeFileSync as fsWriteFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import gfs from 'graceful-fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { update, withLock, writeFile, writeFileSync } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'

afterEach(() => {
  vi.restoreAllMocks()
})

/** Makes the next removal of `lockPath` fail with EBUSY, as a mount point or a busy network share does. */
function failRmdirOnce(lockPath: string): void {
  const real = gfs.rmdirSync.bind(gfs)
  let failed = false
  vi.spyOn(gfs, 'rmdirSync').mockImplementation((path, ...rest) => {
    if (!failed && String(path) === lockPath) {
      failed = true
      throw Object.assign(new Error(`EBUSY: resource busy or locked, rmdir '${lockPath}'`), { code: 'EBUSY' })
    }
    return real(path, ...rest)
  })
}

const writes = {
  writeFile: (file: string) => writeFile(file, 'new', { lock: true }),
  writeFileSync: async (file: string) => writeFileSync(file, 'new', { lock: true }),
  update: (file: string) => update(file, () => 'new'),
  withLock: (file: string) => withLock(file, () => writeFile(file, 'new', { lock: true })),
}

describe.each(Object.entries(writes))('a lock that cannot be removed after %s commits', (_name, write) => {
  it('does not fail the write, is reported on durable-write:lock, and is taken at once by the next caller', async () => {
    const file = join(tempDir(), 'state.txt')
    fsWriteFileSync(file, 'old')
    const lockPath = `${file}.lock`
    const events: unknown[] = []
    const listener = (message: unknown) => events.push(message)
    subscribe('durable-write:lock', listener)
    try {
      failRmdirOnce(lockPath)
      await write(file)
      await vi.waitFor(() => expect(events).toHaveLength(1))
    } finally {
      unsubscribe('durable-write:lock', listener)
    }
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(events[0]).toMatchObject({ event: 'release-failed', path: file, lockPath })
    expect(statSync(lockPath).isDirectory()).toBe(true)

    const started = Date.now()
    await writeFile(file, 'next', { lock: { retries: 0 } })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(readFileSync(file, 'utf8')).toBe('next')
    expect(existsSync(lockPath)).toBe(false)
  })
})
