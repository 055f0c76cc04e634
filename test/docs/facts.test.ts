import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCK_DEFAULTS } from '../../src/core/lock-options.js'
import { AtomicWriter, ConflictError, DurableWriteError, WriteQueue, writeFile } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { packageRoot } from '../types/built.js'

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8').replace(/\s+/g, ' ')

/** The longest total wait of the `retry` package's backoff: no randomization, each delay capped. */
function longestWaitMs(r: {
  retries: number
  factor: number
  minTimeout: number
  maxTimeout: number
}): number {
  let total = 0
  for (let i = 0; i < r.retries; i++) total += Math.min(r.minTimeout * r.factor ** i, r.maxTimeout)
  return total
}

describe('what the README states about the code', () => {
  it('gives the default lock wait the retry defaults add up to', () => {
    const seconds = Math.round(longestWaitMs(LOCK_DEFAULTS.retries) / 1000)
    expect(seconds).toBe(18)
    expect(readme).toContain(`about ${seconds} s of backoff`)
    expect(readme).toContain(`about ${seconds} s by default`)
  })

  it('names the codes that have no subclass of their own', async () => {
    const q = new WriteQueue()
    await q.close()
    const closed = await q.write(join(tempDir(), 'a'), 'x').catch((err: unknown) => err)
    expect(closed).toBeInstanceOf(DurableWriteError)
    expect(Object.getPrototypeOf(closed)).toBe(DurableWriteError.prototype)
    expect((closed as DurableWriteError).code).toBe('ERR_CLOSED')
    expect(readme).toContain('`ERR_JOURNAL_CORRUPT` and `ERR_CLOSED` are plain `DurableWriteError`s')
  })

  it('excepts versionOf, and only it, from the AtomicWriter methods', () => {
    const text = readFileSync(join(packageRoot, 'README.md'), 'utf8')
    const api = text.slice(text.indexOf('\n## API'), text.indexOf('\n## Error codes'))
    const functions = [...api.matchAll(/^### (.*)$/gm)]
      .flatMap((m) => (m[1] ?? '').split(' / '))
      .map((part) => /^[a-z]\w*/.exec(part)?.[0])
      .filter((name): name is string => name !== undefined && name !== 'queue') // `queue` is a WriteQueue
    expect(functions).toContain('versionOf')
    expect(functions.length).toBeGreaterThan(20)
    const methods = functions.filter(
      (name) => typeof Reflect.get(AtomicWriter.prototype, name) === 'function',
    )
    expect(functions.filter((name) => !methods.includes(name))).toEqual(['versionOf'])
    expect(readme).toContain('Every function below except `versionOf`')
  })

  it('reports ifNoneMatch conflicts with expected null, as documented', async () => {
    const file = join(tempDir(), 'a.txt')
    await writeFile(file, 'one')
    const err = await writeFile(file, 'two', { ifNoneMatch: '*' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConflictError)
    expect((err as ConflictError).expected).toBeNull()
    expect(readme).toContain("`null` when no file was expected — `ifNoneMatch: '*'`")
  })
})
