import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { recover } from '../../src/index.js'
import { ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

beforeAll(ensureBuilt)

const writeThenExit = new URL('./fixtures/write-then-exit.mjs', import.meta.url)

describe('the exit flush of a WriteQueue', () => {
  it.each([
    ['the script just ends (flush on beforeExit)', 'end', 1000],
    ['the script calls process.exit(0) right after write (synchronous flush on exit)', 'exit', 1000],
    [
      'the script ends while a ten-minute delay is pending (the delay does not keep it alive)',
      'end',
      600_000,
    ],
    ['the script calls process.exit(0) while a ten-minute delay is pending', 'exit', 600_000],
  ])('leaves the newest data of every queue on disk when %s', async (_, how, delayMs) => {
    const dir = tempDir()
    const child = startChild(writeThenExit, [dir, how, String(delayMs)])
    // A child kept alive by the delay would still be running long after this bound.
    const exited = new Promise<never>((_, reject) =>
      setTimeout(reject, 30_000, new Error('the child did not exit')).unref(),
    )
    await Promise.race([succeeded(child), exited])
    expect(readFileSync(join(dir, 'default-queue.txt'), 'utf8')).toBe('default queue, version 3')
    expect(readFileSync(join(dir, 'delayed-queue.txt'), 'utf8')).toBe('delayed queue, version 3')
    // An asynchronous write cut off by process.exit may leave its temp file; recovery removes it.
    await recover(dir)
    expect(tempFilesIn(dir)).toEqual([])
  })
})
