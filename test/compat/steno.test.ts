/**
 * The same tests run against steno itself and against durable-write's face of it, so any difference
 * in behaviour shows. Where the face deliberately differs (durable, its own temp file per write,
 * flushing at exit), the test asserts each side explicitly.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Writer as OriginalWriter } from 'steno'
import { beforeAll, describe, expect, it } from 'vitest'
import { Writer as OurWriter } from '../../src/compat/steno.js'
import type { WriteStats } from '../../src/stats.js'
import { ensureBuiltEntries, packageRoot } from '../cli/run-cli.js'
import { startChild, succeeded } from '../helpers/children.js'
import { tempDir } from '../helpers/tmp.js'

type WriterClass = typeof OurWriter

const impls = [
  { name: 'steno', Writer: OriginalWriter as unknown as WriterClass, isOurs: false },
  { name: 'durable-write/compat/steno', Writer: OurWriter, isOurs: true },
]

/**
 * Counts the renames onto `dir/name` (one per physical write, for both libraries) while `fn` runs.
 * A marker file created afterwards tells when every earlier event has been delivered: inotify keeps order.
 */
async function physicalWrites(dir: string, name: string, fn: () => Promise<unknown>): Promise<number> {
  let count = 0
  let markerSeen: () => void = () => {}
  const marker = new Promise<void>((resolve) => {
    markerSeen = resolve
  })
  const watcher = watch(dir, (event, filename) => {
    if (filename === name && event === 'rename') count++
    if (filename === 'marker') markerSeen()
  })
  try {
    await fn()
    writeFileSync(join(dir, 'marker'), '')
    await marker
  } finally {
    watcher.close()
    rmSync(join(dir, 'marker'), { force: true })
  }
  return count
}

describe.each(impls)('$name', ({ Writer, isOurs }) => {
  it('write() resolves with undefined once the data is in the file', async () => {
    const dir = tempDir()
    const file = join(dir, 'db.json')
    const writer = new Writer(file)
    await expect(writer.write('{"a":1}')).resolves.toBeUndefined()
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}')
    await writer.write('{"a":2}')
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}')
  })

  it('takes a file URL and bytes', async () => {
    const dir = tempDir()
    const writer = new Writer(pathToFileURL(join(dir, 'f.bin')))
    await writer.write(Buffer.from([1, 2, 3]))
    expect(readFileSync(join(dir, 'f.bin'))).toEqual(Buffer.from([1, 2, 3]))
  })

  it('coalesces: many writes at once end with the last data in fewer physical writes', async () => {
    const dir = tempDir()
    const file = join(dir, 'f')
    const writer = new Writer(file)
    const newest: number[] = []
    const count = await physicalWrites(dir, 'f', () =>
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          writer.write(String(i)).then(() => newest.push(Number(readFileSync(file, 'utf8')) - i)),
        ),
      ),
    )
    expect(readFileSync(file, 'utf8')).toBe('99')
    // Each promise resolved with its own data or newer already in the file.
    expect(newest.every((d) => d >= 0)).toBe(true)
    expect(newest).toHaveLength(100)
    expect(count).toBeGreaterThanOrEqual(1)
    expect(count).toBeLessThanOrEqual(3)
  })

  it('writes every value of awaited writes', async () => {
    const dir = tempDir()
    const writer = new Writer(join(dir, 'f'))
    const count = await physicalWrites(dir, 'f', async () => {
      for (let i = 0; i < 5; i++) await writer.write(`v${i}`)
    })
    expect(count).toBe(5)
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('v4')
  })

  it('fails with ENOENT when the directory is missing', async () => {
    const dir = tempDir()
    const writer = new Writer(join(dir, 'missing', 'f'))
    await expect(writer.write('x')).rejects.toMatchObject({ code: 'ENOENT' })
    expect(readdirSync(dir)).toEqual([])
  })

  it("leaves a file named like steno's temp file alone (durable-write only)", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, '.f.tmp'), 'someone else’s data')
    await new Writer(join(dir, 'f')).write('new')
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('new')
    // Deliberate difference: steno writes every update through the one fixed temp name `.f.tmp`.
    if (isOurs) expect(readFileSync(join(dir, '.f.tmp'), 'utf8')).toBe('someone else’s data')
    else expect(readdirSync(dir)).toEqual(['f'])
  })

  it('makes each physical write durable: file and directory fsync (durable-write only)', async () => {
    const dir = tempDir()
    const seen: WriteStats[] = []
    const listener = (message: unknown) => seen.push(message as WriteStats)
    subscribe('durable-write:write', listener)
    try {
      await new Writer(join(dir, 'f')).write('x')
    } finally {
      unsubscribe('durable-write:write', listener)
    }
    // Deliberate difference: steno syncs nothing.
    if (!isOurs) {
      expect(seen).toEqual([])
      return
    }
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ path: join(dir, 'f'), durability: 'durable', ops: { fsyncs: 1 } })
    expect(seen[0]!.ops.dirFsyncs).toBeGreaterThanOrEqual(1)
  })
})

// steno's instances of one file share the temp file `.<name>.tmp`, so they can rename each other's
// half-written data or fail; that race has no fixed outcome, so only durable-write is held to these.
describe('durable-write/compat/steno across instances and processes', () => {
  beforeAll(ensureBuiltEntries)
  const fixture = new URL('./fixtures/steno-writer.mjs', import.meta.url)
  const built = join(packageRoot, 'dist', 'compat', 'steno.js')

  it('two writers of one file share one queue: call order, last data, no temp file', async () => {
    const dir = tempDir()
    const a = new OurWriter(join(dir, 'f'))
    const b = new OurWriter(join(dir, 'f'))
    const count = await physicalWrites(dir, 'f', () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).write(`value ${i}`))),
    )
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('value 39')
    expect(count).toBeLessThanOrEqual(3)
    expect(readdirSync(dir)).toEqual(['f'])
  })

  it('writers in two processes never leave a torn file or a temp file', async () => {
    const dir = tempDir()
    const file = join(dir, 'shared.json')
    const children = ['a', 'b'].map((id) => startChild(fixture, [built, file, id, '60']))
    const reads: unknown[] = []
    while (children.some((c) => c.running)) {
      try {
        reads.push(JSON.parse(readFileSync(file, 'utf8')).id)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
    for (const child of children) expect(await succeeded(child)).toBe('done\n')
    expect(reads.every((id) => id === 'a' || id === 'b')).toBe(true)
    expect(JSON.parse(readFileSync(file, 'utf8')).i).toBe(59)
    expect(readdirSync(dir)).toEqual(['shared.json'])
  })

  it('writes the newest pending data when the process exits right after write()', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'sub'))
    const file = join(dir, 'sub', 'f.json')
    await succeeded(startChild(fixture, [built, file, 'x', '0', 'exit-now']))
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ id: 'x', i: 1 })
  })
})
