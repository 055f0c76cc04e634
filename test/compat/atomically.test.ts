/**
 * The same tests run against atomically itself and against durable-write's face of it, so any
 * difference in behaviour shows. Where the face deliberately differs (directory fsync, its own temp
 * names, temp files always removed), the test asserts each side explicitly.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import {
  chmodSync,
  chownSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import * as original from 'atomically'
import { describe, expect, it } from 'vitest'
import * as ours from '../../src/compat/atomically.js'
import type { WriteStats } from '../../src/stats.js'
import { tempDir } from '../helpers/tmp.js'

type Atomically = typeof ours
type Options = ours.WriteOptions

const impls = [
  { name: 'atomically', at: original as unknown as Atomically, isOurs: false },
  { name: 'durable-write/compat/atomically', at: ours, isOurs: true },
]

const isRoot = process.getuid?.() === 0
const defaultMode = 0o666 & ~process.umask()

function formsOf(at: Atomically) {
  return [
    {
      form: 'promise',
      write: (f: string, d: string | Uint8Array | undefined, o?: Options) => at.writeFile(f, d, o),
    },
    {
      form: 'callback',
      write: (f: string, d: string | Uint8Array | undefined, o?: Options) =>
        new Promise<void>((resolve, reject) => {
          at.writeFile(f, d, o ?? {}, (err) => (err ? reject(err) : resolve())).catch(() => {})
        }),
    },
    {
      form: 'sync',
      write: async (f: string, d: string | Uint8Array | undefined, o?: Options) => at.writeFileSync(f, d, o),
    },
  ]
}

async function published(fn: () => Promise<unknown>): Promise<WriteStats[]> {
  const seen: WriteStats[] = []
  const listener = (message: unknown) => seen.push(message as WriteStats)
  subscribe('durable-write:write', listener)
  try {
    await fn()
  } finally {
    unsubscribe('durable-write:write', listener)
  }
  return seen
}

describe.each(impls)('$name', ({ at, isOurs }) => {
  describe.each(formsOf(at))('$form form', ({ write }) => {
    it('replaces the file and leaves nothing else behind', async () => {
      const dir = tempDir()
      const file = join(dir, 'f.txt')
      writeFileSync(file, 'old content that is longer')
      await write(file, 'new')
      expect(readFileSync(file, 'utf8')).toBe('new')
      expect(readdirSync(dir)).toEqual(['f.txt'])
    })

    it('creates missing parent directories', async () => {
      const dir = tempDir()
      await write(join(dir, 'a', 'b', 'f'), 'deep')
      expect(readFileSync(join(dir, 'a', 'b', 'f'), 'utf8')).toBe('deep')
    })

    it('encodes strings with the encoding option, given as a string or in the object', async () => {
      const dir = tempDir()
      await write(join(dir, 'a'), 'héllo', 'latin1' as Options)
      await write(join(dir, 'b'), 'héllo', { encoding: 'utf16le' })
      expect(readFileSync(join(dir, 'a'))).toEqual(Buffer.from('héllo', 'latin1'))
      expect(readFileSync(join(dir, 'b'))).toEqual(Buffer.from('héllo', 'utf16le'))
    })

    it('writes bytes as they are, and undefined as an empty file', async () => {
      const dir = tempDir()
      await write(join(dir, 'bin'), new Uint8Array([0, 255, 10]))
      await write(join(dir, 'empty'), undefined)
      expect(readFileSync(join(dir, 'bin'))).toEqual(Buffer.from([0, 255, 10]))
      expect(statSync(join(dir, 'empty')).size).toBe(0)
    })

    it("keeps the existing file's mode; mode sets one (number or octal string); false means the default", async () => {
      const dir = tempDir()
      const file = join(dir, 'm')
      writeFileSync(file, 'x')
      chmodSync(file, 0o640)
      await write(file, 'y')
      expect(statSync(file).mode & 0o7777).toBe(0o640)
      await write(file, 'z', { mode: 0o600 })
      expect(statSync(file).mode & 0o7777).toBe(0o600)
      await write(file, 'w', { mode: '604' })
      expect(statSync(file).mode & 0o7777).toBe(0o604)
      await write(file, 'v', { mode: false })
      expect(statSync(file).mode & 0o7777).toBe(defaultMode)
    })

    it.runIf(isRoot)(
      "keeps the existing file's owner, sets an explicit one, and chown: false skips it",
      async () => {
        const dir = tempDir()
        const file = join(dir, 'o')
        writeFileSync(file, 'x')
        chownSync(file, 1234, 2345)
        await write(file, 'y')
        expect(statSync(file)).toMatchObject({ uid: 1234, gid: 2345 })
        await write(file, 'z', { chown: { uid: 3456, gid: 4567 } })
        expect(statSync(file)).toMatchObject({ uid: 3456, gid: 4567 })
        await write(file, 'w', { chown: false })
        expect(statSync(file)).toMatchObject({ uid: 0, gid: 0 })
      },
    )

    it('calls tmpCreated with the temp path beside the target while it exists', async () => {
      const dir = tempDir()
      const file = join(dir, 'f.txt')
      const seen: { path: string; existed: boolean }[] = []
      await write(file, 'data', { tmpCreated: (path) => void seen.push({ path, existed: existsSync(path) }) })
      expect(seen).toHaveLength(1)
      expect(seen[0]!.existed).toBe(true)
      expect(seen[0]!.path.startsWith(`${dir}/`)).toBe(true)
      expect(existsSync(seen[0]!.path)).toBe(false)
      // Deliberate difference: durable-write's own temp names, which recover() can find.
      if (isOurs)
        expect(seen[0]!.path).toMatch(/\/\.f\.txt\.[0-9a-f]{16}\.[0-9a-z]+-[0-9a-z]+-[0-9a-f]{8}\.dwtmp$/)
      else expect(seen[0]!.path).toMatch(/\/f\.txt\.tmp-\d{10}[0-9a-f]{6}$/)
    })

    it('tmpCreate names the temp file, called with the real target path', async () => {
      const dir = tempDir()
      writeFileSync(join(dir, 'real'), 'old')
      symlinkSync('real', join(dir, 'link'))
      const asked: string[] = []
      const seen: { path: string; mode: number }[] = []
      await write(join(dir, 'link'), 'x', {
        tmpCreate: (p) => {
          asked.push(p)
          return `${p}.custom`
        },
        tmpCreated: (p) => void seen.push({ path: p, mode: statSync(p).mode & 0o777 }),
      })
      expect(asked).toEqual([join(dir, 'real')])
      expect(seen.map((s) => s.path)).toEqual([join(dir, 'real.custom')])
      expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('x')
      expect(readdirSync(dir).sort()).toEqual(['link', 'real'])
      // durable-write's temp is never wider than the finished file's mode.
      if (isOurs) expect(seen[0]!.mode & ~(statSync(join(dir, 'real')).mode & 0o777)).toBe(0)
    })

    it('tmpCreate is called with the path of a target that does not exist yet', async () => {
      const dir = tempDir()
      const asked: string[] = []
      await write(join(dir, 'new'), 'x', {
        tmpCreate: (p) => {
          asked.push(p)
          return join(dir, 'my-temp')
        },
      })
      expect(asked).toEqual([join(dir, 'new')])
      expect(readFileSync(join(dir, 'new'), 'utf8')).toBe('x')
      expect(readdirSync(dir)).toEqual(['new'])
    })

    it('a tmpCreate path that already exists fails the write and is left alone (durable-write only)', async () => {
      if (!isOurs) return
      const dir = tempDir()
      writeFileSync(join(dir, 'f'), 'old')
      writeFileSync(join(dir, 'taken'), 'someone else')
      await expect(
        write(join(dir, 'f'), 'new', { tmpCreate: () => join(dir, 'taken') }),
      ).rejects.toMatchObject({ code: 'EEXIST' })
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('old')
      expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('someone else')
      expect(readdirSync(dir).sort()).toEqual(['f', 'taken'])
    })

    it('a failing write removes the temp that tmpCreate named (durable-write only)', async () => {
      if (!isOurs) return
      const dir = tempDir()
      writeFileSync(join(dir, 'f'), 'old')
      const boom = () => {
        throw new Error('boom')
      }
      const options = { tmpCreate: () => join(dir, 'named'), tmpCreated: boom }
      await expect(write(join(dir, 'f'), 'new', options)).rejects.toThrow('boom')
      expect(readdirSync(dir)).toEqual(['f'])
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('old')
    })

    it('a failing tmpCreated rejects the write and leaves the target alone', async () => {
      const dir = tempDir()
      const file = join(dir, 'f')
      writeFileSync(file, 'old')
      const boom = () => {
        throw new Error('boom')
      }
      await expect(write(file, 'new', { tmpCreated: boom, tmpPurge: false })).rejects.toThrow('boom')
      expect(readFileSync(file, 'utf8')).toBe('old')
      // Deliberate difference: durable-write always removes the temp file; tmpPurge: false keeps it in atomically.
      expect(readdirSync(dir).length).toBe(isOurs ? 1 : 2)
    })

    it('syncs the directory as well as the file, even with fsyncWait: false (durable-write only)', async () => {
      const dir = tempDir()
      const stats = await published(() => write(join(dir, 'f'), 'x', { fsyncWait: false }))
      const fast = await published(() => write(join(dir, 'f'), 'y', { fsync: false }))
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('y')
      if (!isOurs) {
        expect(stats).toEqual([])
        return
      }
      expect(stats[0]).toMatchObject({ durability: 'durable', ops: { fsyncs: 1 } })
      expect(stats[0]!.ops.dirFsyncs).toBeGreaterThanOrEqual(1)
      expect(fast[0]).toMatchObject({ durability: 'fast', ops: { fsyncs: 0, dirFsyncs: 0 } })
    })

    it('leaves the caller options object as it was', async () => {
      const dir = tempDir()
      writeFileSync(join(dir, 'f'), 'x')
      const options = {}
      await write(join(dir, 'f'), 'y', options)
      expect(options).toEqual({})
    })
  })

  it('writes a Readable stream', async () => {
    const dir = tempDir()
    await at.writeFile(join(dir, 's'), Readable.from([Buffer.from('ab'), Buffer.from('cd')]))
    expect(readFileSync(join(dir, 's'), 'utf8')).toBe('abcd')
  })

  it('resolves with undefined and calls a callback with undefined, also in place of options', async () => {
    const dir = tempDir()
    const calls: unknown[][] = []
    const result = at.writeFile(join(dir, 'f'), 'x', (...args: unknown[]) => void calls.push(args))
    await expect(result).resolves.toBeUndefined()
    await Promise.resolve()
    expect(calls).toEqual([[undefined]])
  })

  it('calls the callback with the error and rejects the promise', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'file'), '')
    const errors: unknown[] = []
    const result = at.writeFile(join(dir, 'file', 'child'), 'x', {}, (err) => void errors.push(err))
    await expect(result).rejects.toMatchObject({ code: 'ENOTDIR' })
    expect(errors).toEqual([expect.objectContaining({ code: 'ENOTDIR' })])
  })

  it('waits for schedule before writing and calls its disposer after', async () => {
    const dir = tempDir()
    const file = join(dir, 'f')
    const events: string[] = []
    await at.writeFile(file, 'x', {
      schedule: async (path) => {
        events.push(`scheduled ${path === file} ${existsSync(file)}`)
        return () => void events.push(`disposed ${existsSync(file)}`)
      },
    })
    expect(events).toEqual(['scheduled true false', 'disposed true'])
  })

  it('runs concurrent writes to one file in call order; the last data wins', async () => {
    const dir = tempDir()
    const file = join(dir, 'f')
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => at.writeFile(file, `data ${i}`).then(() => order.push(i))),
    )
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(readFileSync(file, 'utf8')).toBe('data 19')
    expect(readdirSync(dir)).toEqual(['f'])
  })

  it('readFile and readFileSync return a Buffer, or a string with an encoding', async () => {
    const dir = tempDir()
    const file = join(dir, 'r')
    writeFileSync(file, 'héllo')
    expect(await at.readFile(file)).toEqual(Buffer.from('héllo'))
    expect(await at.readFile(file, 'utf8')).toBe('héllo')
    expect(await at.readFile(file, { encoding: 'latin1' })).toBe(Buffer.from('héllo').toString('latin1'))
    expect(at.readFileSync(file)).toEqual(Buffer.from('héllo'))
    expect(at.readFileSync(file, { encoding: 'utf8', timeout: 100 })).toBe('héllo')
    expect(at.readFileSync(file, { encoding: null })).toEqual(Buffer.from('héllo'))
  })

  it('readFile of a missing file fails with ENOENT', async () => {
    const dir = tempDir()
    await expect(at.readFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(() => at.readFileSync(join(dir, 'nope'))).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })
})
