import { dirname, join } from 'node:path'
import { AtomicWriter } from '../../src/atomic-writer.js'
import { makeDirs } from '../../src/core/make-dirs.js'
import { lstatIfExists } from '../../src/core/resolve-target.js'
import { newTxid } from '../../src/core/temp-file.js'
import type { FsLike } from '../../src/fs/fs-like.js'
import { resolveWriteOptions } from '../../src/options.js'
import { emptyOps } from '../../src/stats.js'
import type { Steps } from '../../src/steps/op.js'
import { runAsync, runSync } from '../../src/steps/runner.js'
import type { TxItem } from '../../src/txn/commit.js'
import { commonParent, JOURNAL_DIRNAME } from '../../src/txn/journal.js'
import { emptyReport } from '../../src/txn/recover.js'
import { defaultConcurrency, recoverAndCommit } from '../../src/txn/run-transaction.js'
import type { Expectation } from './crash-check.js'
import { type Recording, record } from './crash-record.js'
import { contentAt, type MemState, stateOf } from './crash-state.js'
import { reliabilityScale } from './report.js'

/** A call to explore: the state it starts from, the call, and what it promises. */
export interface Scenario {
  name: string
  initial: MemState
  run(fs: FsLike): unknown
  expect: Expectation
}

/** Which runner a scenario's call uses. */
export type Api = 'sync' | 'async'

/** The directory every scenario works in, and files no call touches (I5 checks they stay as they are). */
export const DATA = '/data'
const BYSTANDERS = { '/data/keep.txt': 'not part of the call\n', '/elsewhere/notes.md': '# untouched\n' }

type Files = Record<string, string | Uint8Array>

function initialOf(files: Files | undefined, dirs: readonly string[] | undefined): MemState {
  return stateOf({ ...BYSTANDERS, ...files }, [DATA, ...(dirs ?? [])])
}

function oldContent(initial: MemState, path: string): Buffer | null {
  const c = contentAt(initial, path)
  return c === 'dir' ? null : c
}

/** A single-file write through `AtomicWriter#writeFileSync` / `#writeFile` with the mem-fs as `fs`. */
export function singleWrite(
  name: string,
  api: Api,
  o: { path: string; data: string | Buffer; files?: Files; dirs?: string[] },
): Scenario {
  const initial = initialOf(o.files, o.dirs)
  return {
    name: `writeFile${api === 'sync' ? 'Sync' : ''}: ${name}`,
    initial,
    run: (fs) => {
      const writer = new AtomicWriter({ fs })
      return api === 'sync' ? writer.writeFileSync(o.path, o.data) : writer.writeFile(o.path, o.data)
    },
    expect: {
      targets: [{ path: o.path, old: oldContent(initial, o.path), new: Buffer.from(o.data) }],
      together: false,
      root: DATA,
      journalDir: join(DATA, JOURNAL_DIRNAME),
    },
  }
}

/**
 * What `writeTransaction` and an atomic `batchWrite` run once the journal lock is held (commitItems in
 * run-transaction.ts): create the journal's parent if missing, recover the journal, commit. The lock
 * itself is left out: it lives on the real disk (proper-lockfile), and its check before the commit
 * point reads the lock directory through the `fs` option, where a mem-fs has none.
 */
function* transactionSteps(items: TxItem[], journalDir: string, concurrency: number): Steps<unknown> {
  const parent = join(journalDir, '..')
  if (!(yield* lstatIfExists(parent))) yield* makeDirs(parent, true)
  return yield* recoverAndCommit(journalDir, undefined, emptyReport(), {
    txid: newTxid(),
    items,
    durable: true,
    concurrency,
    signal: undefined,
    guard: undefined,
    counters: items.map(() => emptyOps()),
  })
}

/**
 * A transaction (`batch`: an atomic batchWrite, writes only) run with the sync runner, or with the
 * async runner and the default concurrency (operations of different files interleave).
 */
export function transaction(
  name: string,
  api: Api,
  o: { writes?: Files; removes?: string[]; files?: Files; dirs?: string[]; batch?: boolean },
): Scenario {
  const initial = initialOf(o.files, o.dirs)
  const options = resolveWriteOptions({})
  const items: TxItem[] = [
    ...Object.entries(o.writes ?? {}).map(([abs, data]) => ({
      kind: 'write' as const,
      abs,
      bytes: Buffer.from(data),
      options,
    })),
    ...(o.removes ?? []).map((abs) => ({ kind: 'remove' as const, abs, options })),
  ]
  const journalDir = join(commonParent(items.map((i) => i.abs)), JOURNAL_DIRNAME)
  const label = o.batch ? 'batchWrite (atomic)' : 'writeTransaction'
  return {
    name: `${label}, ${api}: ${name}`,
    initial,
    run: (fs) =>
      api === 'sync'
        ? runSync(transactionSteps(items, journalDir, 1), fs)
        : runAsync(transactionSteps(items, journalDir, defaultConcurrency()), fs),
    expect: {
      targets: items.map((i) => ({
        path: i.abs,
        old: oldContent(initial, i.abs),
        new: i.kind === 'write' ? Buffer.from(i.bytes) : null,
      })),
      together: true,
      root: join(journalDir, '..'),
      journalDir,
      recoverFrom: [
        ...new Set([
          join(journalDir, '..'),
          ...items.map((i) => dirname(i.abs)),
          dirname(join(journalDir, '..')),
        ]),
      ],
    },
  }
}

/** Records a scenario's call on a mem-fs holding its initial state. */
export function recordScenario(s: Scenario): Promise<Recording> {
  return record(s.initial, (fs) => s.run(fs))
}

function pattern(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => 97 + ((i * 7 + seed) % 26)))
}

/** The scenarios of the crash-state explorer, each through the sync and the async runner. */
export function explorerScenarios(): Scenario[] {
  const out: Scenario[] = []
  for (const api of ['sync', 'async'] as const) {
    out.push(
      singleWrite('creates a file', api, { path: '/data/a.txt', data: 'new content\n' }),
      singleWrite('overwrites a file', api, {
        path: '/data/a.txt',
        data: 'new content, longer than the old\n',
        files: { '/data/a.txt': 'old content\n' },
      }),
      singleWrite('creates a file in missing directories', api, { path: '/data/x/y/a.txt', data: 'deep\n' }),
      singleWrite('overwrites with empty content', api, {
        path: '/data/a.txt',
        data: '',
        files: { '/data/a.txt': 'old\n' },
      }),
      singleWrite('creates an empty file', api, { path: '/data/empty', data: '' }),
      singleWrite('overwrites 3 KiB with 6 KiB', api, {
        path: '/data/big.bin',
        data: pattern(6144, 1),
        files: { '/data/big.bin': pattern(3072, 2) },
      }),
      transaction('creates 1 file', api, { writes: { '/data/a.txt': 'A\n' } }),
      transaction('overwrites and creates in 2 directories', api, {
        writes: { '/data/a/x': 'new x\n', '/data/b/y': 'new y\n' },
        files: { '/data/a/x': 'old x\n' },
        dirs: ['/data/b'],
      }),
      transaction('creates, overwrites and deletes in 2 directories', api, {
        writes: { '/data/a/new': 'created\n', '/data/a/old': 'replaced\n' },
        removes: ['/data/b/gone'],
        files: { '/data/a/old': 'original\n', '/data/b/gone': 'to delete\n' },
      }),
      transaction('5 files in 3 directories, empty and 4 KiB contents', api, {
        writes: {
          '/data/a/1': pattern(4096, 3),
          '/data/a/2': '',
          '/data/b/3': 'three\n',
          '/data/c/4': 'four\n',
        },
        removes: ['/data/b/5'],
        files: { '/data/a/2': 'two\n', '/data/b/3': 'old three\n', '/data/b/5': 'five\n' },
        dirs: ['/data/c'],
      }),
      transaction('creates 2 files in missing directories', api, {
        writes: { '/data/n/p/x': 'x\n', '/data/n/q/y': 'y\n' },
      }),
      transaction('deletes 2 files', api, {
        removes: ['/data/a/x', '/data/b/y'],
        files: { '/data/a/x': 'x\n', '/data/b/y': 'y\n' },
      }),
      transaction('with a journal left by an earlier transaction', api, {
        writes: { '/data/a/x': 'x2\n', '/data/a/y': 'y2\n' },
        files: { '/data/a/x': 'x1\n', '/data/a/y': 'y1\n' },
        dirs: ['/data/a/.durable-write'],
      }),
      transaction('writes 4 files in 3 directories', api, {
        batch: true,
        writes: { '/data/p/1': 'one\n', '/data/p/2': 'two\n', '/data/q/3': 'three\n', '/data/4': 'four\n' },
        files: { '/data/p/1': 'uno\n', '/data/4': 'quattro\n' },
        dirs: ['/data/q'],
      }),
    )
    // Larger runs explore larger transactions: N pending renames make 2^N crash states at a point.
    const scale = reliabilityScale()
    if (scale >= 2) {
      const n = Math.min(10, 5 + Math.round(scale / 2))
      const paths = Array.from({ length: n }, (_, i) => `/data/${'uvw'[i % 3]}/f${i}`)
      out.push(
        transaction(`overwrites ${n} files in 3 directories`, api, {
          writes: Object.fromEntries(paths.map((p, i) => [p, `new ${i}\n`])),
          files: Object.fromEntries(paths.map((p, i) => [p, `old ${i}\n`])),
        }),
        transaction(`creates ${n} files and removes 2 in 3 directories`, api, {
          writes: Object.fromEntries(paths.map((p, i) => [p, pattern(64 + i, i)])),
          removes: ['/data/u/old1', '/data/v/old2'],
          files: { '/data/u/old1': 'one\n', '/data/v/old2': 'two\n' },
          dirs: ['/data/w'],
        }),
        transaction(`overwrites ${n} files in one directory`, api, {
          writes: Object.fromEntries(paths.map((_, i) => [`/data/one/f${i}`, `new ${i}\n`])),
          files: Object.fromEntries(paths.map((_, i) => [`/data/one/f${i}`, `old ${i}\n`])),
        }),
        transaction(`writes ${n} files across ${n} directories, creating half of them`, api, {
          batch: true,
          writes: Object.fromEntries(paths.map((_, i) => [`/data/d${i}/f`, pattern(32 + i, i)])),
          files: Object.fromEntries(
            paths.filter((_, i) => i % 2 === 0).map((_, i) => [`/data/d${2 * i}/f`, 'old\n']),
          ),
        }),
      )
    }
  }
  return out
}
