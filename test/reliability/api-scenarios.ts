import { once } from 'node:events'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AtomicWriter, type FsLike } from '../../src/index.js'

/** One API call over a small tree: the files before, the files after success, and the call itself. */
export interface ApiScenario {
  name: string
  /** Relative path → content before the call (missing: the file does not exist). */
  before: Record<string, string>
  /** Relative path → content after a successful call (null: removed). */
  after: Record<string, string | null>
  /** True when the files change together (transactions, atomic batches): all old or all new. */
  together: boolean
  /** Sets up anything beyond `before` (real fs, no faults), e.g. a checkpoint to restore. */
  prepare?: (dir: string, writer: AtomicWriter) => Promise<unknown>
  /** Makes the call with a writer whose fs is the faulty one. */
  run: (dir: string, writer: AtomicWriter, prepared: unknown) => Promise<unknown> | unknown
}

const big = 'x'.repeat(300_000)

/** Every write API of durable-write, each as one scenario (RELIABILITY.md §1). */
export const scenarios: ApiScenario[] = [
  {
    name: 'writeFile (overwrite)',
    before: { 'a.txt': 'old' },
    after: { 'a.txt': 'new' },
    together: false,
    run: (d, w) => w.writeFile(join(d, 'a.txt'), 'new'),
  },
  {
    name: 'writeFile (new file in a missing directory)',
    before: {},
    after: { 'sub/dir/a.txt': 'new' },
    together: false,
    run: (d, w) => w.writeFile(join(d, 'sub/dir/a.txt'), 'new'),
  },
  {
    name: 'writeFileSync',
    before: { 'a.txt': 'old' },
    after: { 'a.txt': 'new' },
    together: false,
    run: (d, w) => w.writeFileSync(join(d, 'a.txt'), 'new'),
  },
  {
    name: 'safeWriteJson (one-shot)',
    before: { 'a.json': '{}\n' },
    after: { 'a.json': '{\n  "v": 1\n}\n' },
    together: false,
    run: (d, w) => w.safeWriteJson(join(d, 'a.json'), { v: 1 }),
  },
  {
    name: 'safeWriteJson (streaming)',
    before: { 'a.json': '{}\n' },
    after: { 'a.json': `${JSON.stringify({ big, list: [1, 2, 3] })}\n` },
    together: false,
    run: (d, w) => w.safeWriteJson(join(d, 'a.json'), { big, list: [1, 2, 3] }, { stream: true, space: 0 }),
  },
  {
    name: 'safeWriteMd',
    before: { 'a.md': '# A\r\n' },
    after: { 'a.md': '# B\r\n' },
    together: false,
    run: (d, w) => w.safeWriteMd(join(d, 'a.md'), '# B\n'),
  },
  {
    name: 'createWriteStream',
    before: { 'a.log': 'old' },
    after: { 'a.log': big },
    together: false,
    run: async (d, w) => {
      const stream = w.createWriteStream(join(d, 'a.log'))
      await pipeline(Readable.from([big.slice(0, 100_000), big.slice(100_000)]), stream)
    },
  },
  {
    name: 'multiEdit',
    before: { 'a.ts': 'let a = 1\nlet b = 2\n' },
    after: { 'a.ts': 'let a = 10\nlet b = 20\n' },
    together: false,
    run: (d, w) =>
      w.multiEdit(join(d, 'a.ts'), [
        { oldString: 'a = 1', newString: 'a = 10' },
        { oldString: 'b = 2', newString: 'b = 20' },
      ]),
  },
  {
    name: 'multiEditSync',
    before: { 'a.ts': 'let a = 1\n' },
    after: { 'a.ts': 'let a = 10\n' },
    together: false,
    run: (d, w) => w.multiEditSync(join(d, 'a.ts'), [{ oldString: 'a = 1', newString: 'a = 10' }]),
  },
  {
    name: 'update',
    before: { 'a.txt': 'old' },
    after: { 'a.txt': 'old+1' },
    together: false,
    run: (d, w) => w.update(join(d, 'a.txt'), (t) => `${t}+1`),
  },
  {
    name: 'updateJson',
    before: { 'c.json': '{"n":1}' },
    after: { 'c.json': '{\n  "n": 2\n}\n' },
    together: false,
    run: (d, w) => w.updateJson<{ n: number }>(join(d, 'c.json'), (c) => ({ n: c!.n + 1 })),
  },
  {
    name: 'batchWrite (atomic)',
    before: { 'a.txt': 'old a', 'b/b.txt': 'old b' },
    after: { 'a.txt': 'new a', 'b/b.txt': 'new b', 'c/c.txt': 'new c' },
    together: true,
    run: (d, w) =>
      w.batchWrite([
        { path: join(d, 'a.txt'), data: 'new a' },
        { path: join(d, 'b/b.txt'), data: 'new b' },
        { path: join(d, 'c/c.txt'), data: 'new c' },
      ]),
  },
  {
    name: 'batchWrite (atomic: false)',
    before: { 'a.txt': 'old a', 'b.txt': 'old b' },
    after: { 'a.txt': 'new a', 'b.txt': 'new b' },
    together: false,
    run: (d, w) =>
      w.batchWrite(
        [
          { path: join(d, 'a.txt'), data: 'new a' },
          { path: join(d, 'b.txt'), data: 'new b' },
        ],
        { atomic: false },
      ),
  },
  {
    name: 'writeTransaction',
    before: { 'a.txt': 'old a', 'x/b.txt': 'old b', 'gone.txt': 'old gone' },
    after: { 'a.txt': 'new a', 'x/b.txt': 'new b', 'gone.txt': null, 'y/c.json': '{\n  "c": 1\n}\n' },
    together: true,
    run: (d, w) =>
      w.writeTransaction((tx) => {
        tx.writeFile(join(d, 'a.txt'), 'new a')
        tx.writeFile(join(d, 'x/b.txt'), 'new b')
        tx.writeJson(join(d, 'y/c.json'), { c: 1 })
        tx.remove(join(d, 'gone.txt'))
      }),
  },
  {
    name: 'writeFile with backup',
    before: { 'a.txt': 'old' },
    after: { 'a.txt': 'new' },
    together: false,
    run: (d, w) => w.writeFile(join(d, 'a.txt'), 'new', { backup: { keep: 2 } }),
  },
  {
    name: 'checkpoint restore',
    before: { 'a.txt': 'changed a', 'b.txt': 'changed b' },
    after: { 'a.txt': 'kept a', 'b.txt': 'kept b' },
    together: true,
    prepare: async (d, w) => {
      const { writeFileSync } = await import('node:fs')
      writeFileSync(join(d, 'a.txt'), 'kept a')
      writeFileSync(join(d, 'b.txt'), 'kept b')
      const cp = await w.checkpoint([join(d, 'a.txt'), join(d, 'b.txt')], { dir: join(d, '.checkpoints') })
      writeFileSync(join(d, 'a.txt'), 'changed a')
      writeFileSync(join(d, 'b.txt'), 'changed b')
      return cp
    },
    run: (_d, _w, cp) => (cp as { restore(): Promise<unknown> }).restore(),
  },
]

/** Waits for a stream's finish or error (for scenarios built on streams). */
export async function finished(stream: NodeJS.WritableStream): Promise<void> {
  await once(stream, 'finish')
}

/** A writer on `fs`, with no other defaults. */
export function writerOn(fs: FsLike): AtomicWriter {
  return new AtomicWriter({ fs })
}

/** A transaction interrupted right after its commit point, for `recover` to complete. */
export const recoverScenario: ApiScenario = {
  name: 'recover (a committed transaction left half-renamed)',
  before: { 'a.txt': 'old a', 'b/b.txt': 'old b' },
  after: { 'a.txt': 'new a', 'b/b.txt': 'new b' },
  together: true,
  prepare: async (d) => {
    const { faultyFs } = await import('../helpers/fault-fs.js')
    const { nodeFs } = await import('../../src/index.js')
    const crashAfterCommit = faultyFs(nodeFs(), {
      failAt: 2,
      code: 'EIO',
      only: (c) => c.method === 'rename' && (c.path ?? '').endsWith('.dwtmp'),
    })
    await writerOn(crashAfterCommit)
      .batchWrite([
        { path: join(d, 'a.txt'), data: 'new a' },
        { path: join(d, 'b/b.txt'), data: 'new b' },
      ])
      .catch(() => undefined)
  },
  run: (d, w) => w.recover(d),
}
