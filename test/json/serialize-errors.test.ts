import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableWriteError, nodeFs, SerializeError } from '../../src/index.js'
import { recordingFs } from '../helpers/fault-fs.js'
import { openFdCount, snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { failureOf, jsonApis } from './fixtures/json-api.js'

function withCycle() {
  const user: Record<string, unknown> = { id: 3, friends: [] }
  ;(user.friends as unknown[]).push({ name: 'x' }, user)
  return { users: [{}, {}, {}, user] }
}

type Bad = [label: string, value: () => unknown, jsonPath: string, says: string]

const badValues: Bad[] = [
  ['a cycle', withCycle, '$.users[3].friends[1]', 'circular reference to $.users[3]'],
  ['a BigInt', () => ({ a: [1, { b: 10n }] }), '$.a[1].b', 'BigInt'],
  ['a top-level undefined', () => undefined, '$', 'undefined'],
  ['a top-level function', () => () => 1, '$', 'a function'],
  ['a toJSON that returns undefined', () => ({ toJSON: () => undefined }), '$', 'undefined'],
]

/** A directory with the target holding its old content. */
function existing() {
  const dir = tempDir()
  const file = join(dir, 'state.json')
  fsWriteFileSync(file, '{"old": true}\n')
  return { dir, file }
}

describe.each(jsonApis)('$name: values JSON cannot represent', (api) => {
  describe.each(badValues)('%s', (_label, make, jsonPath, says) => {
    it.each([false, 'auto', true] as const)(
      'fails with ERR_SERIALIZE naming the JSON path and the file, before any I/O (stream: %s)',
      async (stream) => {
        const { dir, file } = existing()
        const before = snapshot(dir)
        const fds = openFdCount()
        const fs = recordingFs(nodeFs())
        const temps: string[] = []
        const err = await failureOf(api, () =>
          api.call(file, make(), { fs, stream, onTempFile: (t: string) => temps.push(t) }),
        )
        expect(err).toBeInstanceOf(SerializeError)
        expect(err).toBeInstanceOf(DurableWriteError)
        expect(err.code).toBe('ERR_SERIALIZE')
        expect(err.jsonPath).toBe(jsonPath)
        expect(err.path).toBe(file)
        expect(err.message).toContain(`at ${jsonPath} `)
        expect(err.message).toContain(file)
        expect(err.message).toContain(says)
        expect(err.message).toContain('nothing was written')
        // A small value is serialized completely before the write starts: no file is opened.
        expect(fs.trace.filter((c) => c.method === 'open')).toEqual([])
        expect(temps).toEqual([])
        expect(snapshot(dir)).toEqual(before)
        expect(openFdCount()).toBe(fds)
      },
    )
  })

  it('passes an error thrown by a toJSON method through unchanged, writing nothing', async () => {
    const { dir, file } = existing()
    const before = snapshot(dir)
    const mine = new Error('toJSON refused')
    const err = await failureOf(api, () =>
      api.call(file, {
        a: {
          toJSON() {
            throw mine
          },
        },
      }),
    )
    expect(err).toBe(mine)
    expect(snapshot(dir)).toEqual(before)
  })
})

/** A value whose cycle comes after about 1 MB of JSON: past the first chunk a stream writes. */
function lateCycle() {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, text: 'x'.repeat(180) }))
  const tail: Record<string, unknown> = { name: 'tail' }
  tail.self = tail
  return { rows, tail }
}

describe.each(jsonApis)('$name: a cycle found while streaming', (api) => {
  it.each([true, 'auto'] as const)(
    'fails with ERR_SERIALIZE after writing part of the temp file, which is removed; the target is untouched (stream: %s)',
    async (stream) => {
      const { dir, file } = existing()
      const before = snapshot(dir)
      const fds = openFdCount()
      const fs = recordingFs(nodeFs())
      const err = await failureOf(api, () => api.call(file, lateCycle(), { fs, stream }))
      expect(err).toBeInstanceOf(SerializeError)
      expect(err.code).toBe('ERR_SERIALIZE')
      expect(err.jsonPath).toBe('$.tail.self')
      expect(err.message).toContain(file)

      // The error came mid-stream: a temp file was opened and written to, then closed and removed.
      const opened = fs.trace.find((c) => c.method === 'open')
      expect(opened?.path).toMatch(/\/\.state\.json\.[0-9a-f]{16}\.[0-9a-z]+-[0-9a-z]+-[0-9a-f]{8}\.dwtmp$/)
      const writes = fs.trace.filter((c) => c.method === 'write' && c.path === opened?.path)
      expect(writes.length).toBeGreaterThan(0)
      expect(fs.trace.some((c) => c.method === 'close' && c.path === opened?.path)).toBe(true)
      expect(fs.trace.some((c) => c.method === 'unlink' && c.path === opened?.path)).toBe(true)
      expect(fs.trace.some((c) => c.method === 'rename')).toBe(false)

      expect(tempFilesIn(dir)).toEqual([])
      expect(snapshot(dir)).toEqual(before)
      expect(openFdCount()).toBe(fds)
    },
  )
})
