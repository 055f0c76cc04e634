import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, ParseError, update, updateJson, versionOf } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

function existing(content: string) {
  const dir = tempDir()
  const file = join(dir, 'data.txt')
  fsWriteFileSync(file, content)
  return { dir, file }
}

describe('update', () => {
  it('writes what fn returns for the current text, under the lock', async () => {
    const { file } = existing('one\n')
    let lockedDuring = false
    const stats = await update(file, (current) => {
      lockedDuring = existsSync(`${file}.lock`)
      return `${current}two\n`
    })
    expect(lockedDuring).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n')
    expect(stats).toMatchObject({ changed: true, version: versionOf('one\ntwo\n'), bytesWritten: 8 })
    expect(stats.ops.locks).toBe(1)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('awaits an async fn', async () => {
    const { file } = existing('a')
    const stats = await update(file, async (current) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      return `${current}b`
    })
    expect(stats.changed).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('ab')
  })

  it('passes undefined for a missing file and creates it', async () => {
    const dir = tempDir()
    const file = join(dir, 'new.txt')
    const seen: unknown[] = []
    const stats = await update(file, (current) => {
      seen.push(current)
      return 'created'
    })
    expect(seen).toEqual([undefined])
    expect(stats.changed).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('created')
  })

  it('passes an existing empty file as the empty string, not undefined', async () => {
    const { file } = existing('')
    const seen: unknown[] = []
    await update(file, (current) => {
      seen.push(current)
      return 'x'
    })
    expect(seen).toEqual([''])
  })

  it('writes nothing and reports changed: false when fn returns the same content', async () => {
    const { dir, file } = existing('same')
    const before = snapshot(dir)
    const stats = await update(file, (current) => current ?? '')
    expect(stats.changed).toBe(false)
    expect(stats.version).toBe(versionOf('same'))
    expect(stats.ops.renames).toBe(0)
    expect(snapshot(dir)).toEqual(before)
  })

  it('rejects with the very error fn throws, leaves the file untouched and releases the lock', async () => {
    const { dir, file } = existing('keep')
    const before = snapshot(dir)
    const thrown = new Error('refused')
    await expect(
      update(file, () => {
        throw thrown
      }),
    ).rejects.toBe(thrown)
    const rejected = Promise.reject(thrown)
    rejected.catch(() => {})
    await expect(update(file, () => rejected)).rejects.toBe(thrown)
    expect(snapshot(dir)).toEqual(before)
    // The lock was released: the next update gets it at once.
    const stats = await update(file, (current) => `${current}!`, { lock: { retries: 0 } })
    expect(stats.changed).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('keep!')
  })

  it('decodes and encodes with the encoding option', async () => {
    const { file } = existing('')
    fsWriteFileSync(file, Buffer.from('café', 'latin1'))
    await update(file, (current) => `${current}!`, { encoding: 'latin1' })
    expect(readFileSync(file)).toEqual(Buffer.from('café!', 'latin1'))
  })

  it('runs concurrent updates of one path one after another, losing none', async () => {
    const { file } = existing('0')
    const writer = new AtomicWriter()
    await Promise.all(
      Array.from({ length: 20 }, () => writer.update(file, async (current) => String(Number(current) + 1))),
    )
    expect(readFileSync(file, 'utf8')).toBe('20')
  })
})

describe('updateJson', () => {
  it('resolves with the WriteStats and the value fn returned, and writes it as JSON', async () => {
    const { file } = existing('{"n":1}')
    const result = await updateJson<{ n: number }>(file, (current) => ({ n: (current?.n ?? 0) + 1 }))
    expect(result.value).toEqual({ n: 2 })
    expect(result.changed).toBe(true)
    expect(result.ops.locks).toBe(1)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ n: 2 })
    expect(result.version).toBe(versionOf(readFileSync(file)))
  })

  it('passes a copy of default for a missing file, so a mutating fn never changes the caller’s object', async () => {
    const dir = tempDir()
    const fallback = { items: [] as number[], meta: { runs: 0 } }
    const mutate = (current: typeof fallback | undefined) => {
      if (!current) throw new Error('expected the default')
      current.items.push(1)
      current.meta.runs++
      return current
    }
    const first = await updateJson(join(dir, 'a.json'), mutate, { default: fallback })
    const second = await updateJson(join(dir, 'b.json'), mutate, { default: fallback })
    expect(first.value).toEqual({ items: [1], meta: { runs: 1 } })
    expect(second.value).toEqual({ items: [1], meta: { runs: 1 } })
    expect(fallback).toEqual({ items: [], meta: { runs: 0 } })
    expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).toEqual({ items: [1], meta: { runs: 1 } })
  })

  it('passes undefined for a missing file when there is no default', async () => {
    const file = join(tempDir(), 'none.json')
    const seen: unknown[] = []
    const result = await updateJson(file, (current) => {
      seen.push(current)
      return ['made']
    })
    expect(seen).toEqual([undefined])
    expect(result.value).toEqual(['made'])
  })

  it('ignores default when the file exists', async () => {
    const { file } = existing('{"n":5}')
    const result = await updateJson<{ n: number }>(file, (c) => ({ n: (c?.n ?? -1) + 1 }), {
      default: { n: 0 },
    })
    expect(result.value).toEqual({ n: 6 })
  })

  it('fails with ERR_PARSE on corrupt JSON without calling fn, leaving the file untouched', async () => {
    const { dir, file } = existing('{"n": 1,,}')
    const before = snapshot(dir)
    let called = false
    const err = await errorOf(() =>
      updateJson(
        file,
        () => {
          called = true
          return {}
        },
        { default: {} },
      ),
    )
    expect(err).toBeInstanceOf(ParseError)
    expect(err.code).toBe('ERR_PARSE')
    expect(called).toBe(false)
    expect(snapshot(dir)).toEqual(before)
    expect(existsSync(`${file}.lock`)).toBe(false)
  })

  it('awaits an async fn and writes nothing when the serialized value is unchanged', async () => {
    const dir = tempDir()
    const file = join(dir, 'same.json')
    await updateJson(file, async () => ({ a: 1 }))
    const before = snapshot(dir)
    const result = await updateJson(file, async (current) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      return current
    })
    expect(result.changed).toBe(false)
    expect(result.value).toEqual({ a: 1 })
    expect(snapshot(dir)).toEqual(before)
  })

  it('rejects with the very error fn throws and leaves the file untouched', async () => {
    const { dir, file } = existing('{"n":1}\n')
    const before = snapshot(dir)
    const thrown = new TypeError('nope')
    await expect(
      updateJson(file, async () => {
        throw thrown
      }),
    ).rejects.toBe(thrown)
    expect(snapshot(dir)).toEqual(before)
    await expect(updateJson(file, () => ({ n: 2 }), { lock: { retries: 0 } })).resolves.toMatchObject({
      value: { n: 2 },
    })
  })

  it('honours JSON options when writing', async () => {
    const file = join(tempDir(), 'fmt.json')
    await updateJson(file, () => ({ b: 1, a: 2 }), { space: 0, stable: true, finalNewline: false })
    expect(readFileSync(file, 'utf8')).toBe('{"a":2,"b":1}')
  })
})
