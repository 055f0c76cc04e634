import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { AbortError, DurableWriteError, ValidationError } from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { apis, failureOf } from './write-api.js'

const asyncApi = apis.find((a) => !a.sync)!

describe.each(apis)('$name: validate', (api) => {
  it('receives exactly the bytes that will be written, once', async () => {
    const dir = tempDir()
    const seen: Buffer[] = []
    const validate = (bytes: Uint8Array) => {
      expect(bytes).toBeInstanceOf(Uint8Array)
      seen.push(Buffer.from(bytes))
    }
    await api.write(join(dir, 'a.txt'), 'café', { encoding: 'latin1', validate })
    await api.write(join(dir, 'b.txt'), ['x', Buffer.from([0, 1]), 'y'], { validate })
    await api.write(join(dir, 'c.bin'), new Uint8Array([9, 8, 7, 6]).subarray(1, 3), { validate })
    expect(seen.map((b) => [...b])).toEqual([
      [0x63, 0x61, 0x66, 0xe9],
      [0x78, 0, 1, 0x79],
      [8, 7],
    ])
    expect(readFileSync(join(dir, 'b.txt'))).toEqual(seen[1])
  })

  it('fails with ERR_VALIDATION carrying the thrown error as cause, before any temp file exists', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.json')
    fsWriteFileSync(file, '{"ok":true}')
    const before = snapshot(dir)
    const reason = new Error('not JSON')
    const temps: string[] = []
    const err = await failureOf(api, () =>
      api.call(file, '{broken', {
        validate: () => {
          throw reason
        },
        onTempFile: (p: string) => temps.push(p),
      }),
    )
    expect(err).toBeInstanceOf(ValidationError)
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_VALIDATION')
    expect(err.cause).toBe(reason)
    expect(err.path).toBe(file)
    expect(err.message).toContain('not JSON')
    expect(temps).toEqual([])
    expect(snapshot(dir)).toEqual(before)
  })

  it('does not create the file or its missing directories when validation fails', async () => {
    const dir = tempDir()
    const err = await failureOf(api, () =>
      api.call(join(dir, 'sub', 'new.txt'), 'x', {
        validate: () => {
          throw new Error('no')
        },
      }),
    )
    expect(err.code).toBe('ERR_VALIDATION')
    expect(snapshot(dir)).toEqual({})
  })
})

describe('writeFile: async validate', () => {
  it('waits for an async validate that resolves, then writes', async () => {
    const file = join(tempDir(), 'ok.txt')
    let done = false
    await asyncApi.write(file, 'fine', {
      validate: async () => {
        await sleep(5)
        done = true
      },
    })
    expect(done).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('fine')
  })

  it('fails with ERR_VALIDATION when an async validate rejects, target untouched', async () => {
    const dir = tempDir()
    const file = join(dir, 'keep.txt')
    fsWriteFileSync(file, 'old')
    const before = snapshot(dir)
    const reason = new Error('rejected later')
    const err = await failureOf(asyncApi, () =>
      asyncApi.call(file, 'new', {
        validate: async () => {
          await sleep(5)
          throw reason
        },
      }),
    )
    expect(err.code).toBe('ERR_VALIDATION')
    expect(err.cause).toBe(reason)
    expect(snapshot(dir)).toEqual(before)
  })
})

describe.each(apis)('$name: signal', (api) => {
  it('with an already-aborted signal fails with ABORT_ERR and writes nothing', async () => {
    const dir = tempDir()
    const existing = join(dir, 'existing.txt')
    fsWriteFileSync(existing, 'old')
    const before = snapshot(dir)
    const signal = AbortSignal.abort()
    for (const target of [existing, join(dir, 'new.txt'), join(dir, 'sub', 'new.txt')]) {
      const err = await failureOf(api, () => api.call(target, 'new', { signal }))
      expect(err).toBeInstanceOf(AbortError)
      expect(err).toBeInstanceOf(DurableWriteError)
      expect(err.code).toBe('ABORT_ERR')
      expect(err.name).toBe('AbortError')
    }
    expect(snapshot(dir)).toEqual(before)
  })

  it('stops with ABORT_ERR when aborted while a sync iterable is consumed, removing the temp file', async () => {
    const dir = tempDir()
    const file = join(dir, 'target.txt')
    fsWriteFileSync(file, 'old')
    const before = snapshot(dir)
    const controller = new AbortController()
    let closed = false
    function* source() {
      try {
        yield Buffer.alloc(300_000, 1)
        controller.abort()
        yield 'more'
        yield 'and more'
      } finally {
        closed = true
      }
    }
    const err = await failureOf(api, () => api.call(file, source(), { signal: controller.signal }))
    expect(err.code).toBe('ABORT_ERR')
    expect(closed).toBe(true)
    expect(tempFilesIn(dir)).toEqual([])
    expect(snapshot(dir)).toEqual(before)
  })
})

describe('writeFile: abort during an async source', () => {
  it('stops with ABORT_ERR while an async iterable is consumed, target untouched, no temp left', async () => {
    const dir = tempDir()
    const file = join(dir, 'target.txt')
    fsWriteFileSync(file, 'old')
    const before = snapshot(dir)
    const controller = new AbortController()
    let pulled = 0
    let closed = false
    async function* source() {
      try {
        while (pulled < 40) {
          pulled++
          if (pulled === 3) controller.abort()
          await sleep(1)
          yield Buffer.alloc(100_000, pulled)
        }
      } finally {
        closed = true
      }
    }
    const err = await failureOf(asyncApi, () => asyncApi.call(file, source(), { signal: controller.signal }))
    expect(err.code).toBe('ABORT_ERR')
    expect(err.name).toBe('AbortError')
    expect(pulled).toBeLessThan(10)
    expect(closed).toBe(true)
    expect(tempFilesIn(dir)).toEqual([])
    expect(snapshot(dir)).toEqual(before)
  })

  it('destroys a Readable source when aborted mid-stream', async () => {
    const dir = tempDir()
    const file = join(dir, 'target.bin')
    const controller = new AbortController()
    let n = 0
    const stream = new Readable({
      read() {
        n++
        if (n === 2) controller.abort()
        setTimeout(() => this.push(n > 40 ? null : Buffer.alloc(64 * 1024, n)), 1)
      },
    })
    const err = await failureOf(asyncApi, () => asyncApi.call(file, stream, { signal: controller.signal }))
    expect(err.code).toBe('ABORT_ERR')
    expect(n).toBeLessThan(10)
    expect(stream.destroyed).toBe(true)
    expect(stream.readableEnded).toBe(false)
    expect(snapshot(dir)).toEqual({})
  })
})
