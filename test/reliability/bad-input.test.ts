import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AtomicWriter, WriteQueue } from '../../src/index.js'
import { reportFigure } from '../helpers/report.js'
import { openFdCount, snapshot, tempDir } from '../helpers/tmp.js'
import { rootEscapeCases } from './root-escape-cases.js'

/** RELIABILITY.md §4: what a user or an agent will send, across the APIs. Each: a stable code, nothing changed. */
interface BadInput {
  name: string
  code: string
  call: (d: string, w: AtomicWriter) => unknown
}

const cyclic = (): object => {
  const o: Record<string, unknown> = { a: 1 }
  o.self = o
  return o
}
const aborted = (): AbortSignal => AbortSignal.abort()
const long = 'n'.repeat(300)

const cases: BadInput[] = [
  // Paths
  {
    name: 'writeFile: path is a number',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (_d, w) => w.writeFile(42 as never, 'x'),
  },
  {
    name: 'writeFileSync: path is null',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (_d, w) => w.writeFileSync(null as never, 'x'),
  },
  {
    name: 'writeFile: NUL byte in path',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.writeFile(join(d, 'a\0b'), 'x'),
  },
  { name: 'writeFile: empty path', code: 'ERR_INVALID_ARG_VALUE', call: (_d, w) => w.writeFile('', 'x') },
  {
    name: 'writeFile: path is a directory',
    code: 'EISDIR',
    call: (d, w) => w.writeFile(join(d, 'dir'), 'x'),
  },
  {
    name: 'writeFileSync: parent is a file',
    code: 'ENOTDIR',
    call: (d, w) => w.writeFileSync(join(d, 'file.txt', 'x'), 'x'),
  },
  {
    name: 'writeFile: name over NAME_MAX',
    code: 'ENAMETOOLONG',
    call: (d, w) => w.writeFile(join(d, long), 'x'),
  },
  { name: 'writeFile: symlink loop', code: 'ELOOP', call: (d, w) => w.writeFile(join(d, 'loop'), 'x') },
  {
    name: 'writeFile: http URL',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (_d, w) => w.writeFile(new URL('http://x/y'), 'x'),
  },
  // Root confinement
  {
    name: 'root: .. escape',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d, w) => w.writeFile(join(d, 'dir/../../x'), 'x', { root: join(d, 'dir') }),
  },
  {
    name: 'root: absolute path outside',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d, w) => w.writeFile('/tmp/outside-x', 'x', { root: join(d, 'dir') }),
  },
  {
    name: 'root: symlinked directory inside root',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d, w) => w.writeFile(join(d, 'dir/out/x'), 'x', { root: join(d, 'dir') }),
  },
  {
    name: 'root: symlinked file (follow)',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d, w) => w.writeFile(join(d, 'dir/link'), 'x', { root: join(d, 'dir') }),
  },
  {
    name: 'multiEdit: root escape',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d, w) =>
      w.multiEdit(join(d, 'file.txt'), [{ oldString: 'a', newString: 'b' }], { root: join(d, 'dir') }),
  },
  // Data and options
  {
    name: 'writeFile: data is a number',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.writeFile(join(d, 'n'), 5 as never),
  },
  {
    name: 'writeFileSync: async iterable',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.writeFileSync(join(d, 'n'), (async function* () {})() as never),
  },
  {
    name: 'writeFile: durability "sometimes"',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.writeFile(join(d, 'n'), 'x', { durability: 'sometimes' as never }),
  },
  {
    name: 'writeFile: mode -1',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.writeFile(join(d, 'n'), 'x', { mode: -1 }),
  },
  {
    name: 'writeFile: encoding "nope"',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.writeFile(join(d, 'n'), 'x', { encoding: 'nope' as never }),
  },
  {
    name: 'writeFile: signal is not an AbortSignal',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.writeFile(join(d, 'n'), 'x', { signal: {} as never }),
  },
  {
    name: 'writeFile: aborted signal',
    code: 'ABORT_ERR',
    call: (d, w) => w.writeFile(join(d, 'file.txt'), 'x', { signal: aborted() }),
  },
  {
    name: 'writeFileSync: aborted signal',
    code: 'ABORT_ERR',
    call: (d, w) => w.writeFileSync(join(d, 'file.txt'), 'x', { signal: aborted() }),
  },
  {
    name: 'writeFile: ifMatch stale version',
    code: 'ERR_CONFLICT',
    call: (d, w) =>
      w.writeFile(join(d, 'file.txt'), 'x', {
        ifMatch: 'sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
  },
  {
    name: 'writeFile: ifNoneMatch on an existing file',
    code: 'ERR_CONFLICT',
    call: (d, w) => w.writeFile(join(d, 'file.txt'), 'x', { ifNoneMatch: '*' }),
  },
  {
    name: 'writeFile: validate rejects',
    code: 'ERR_VALIDATION',
    call: (d, w) =>
      w.writeFile(join(d, 'file.txt'), 'x', {
        validate: () => {
          throw new Error('no')
        },
      }),
  },
  {
    name: 'writeFile: lock.stale negative',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.writeFile(join(d, 'file.txt'), 'x', { lock: { stale: -1 } }),
  },
  // JSON
  {
    name: 'safeWriteJson: cycle',
    code: 'ERR_SERIALIZE',
    call: (d, w) => w.safeWriteJson(join(d, 'file.txt'), cyclic()),
  },
  {
    name: 'safeWriteJsonSync: BigInt',
    code: 'ERR_SERIALIZE',
    call: (d, w) => w.safeWriteJsonSync(join(d, 'file.txt'), { a: [1, 2n] }),
  },
  {
    name: 'safeWriteJson: top-level undefined',
    code: 'ERR_SERIALIZE',
    call: (d, w) => w.safeWriteJson(join(d, 'file.txt'), undefined),
  },
  {
    name: 'safeWriteJson: cycle while streaming',
    code: 'ERR_SERIALIZE',
    call: (d, w) => w.safeWriteJson(join(d, 'file.txt'), { list: [cyclic()] }, { stream: true }),
  },
  {
    name: 'safeWriteJson: space is an object',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.safeWriteJson(join(d, 'file.txt'), {}, { space: {} as never }),
  },
  { name: 'readJson: corrupt file', code: 'ERR_PARSE', call: (d, w) => w.readJson(join(d, 'bad.json')) },
  {
    name: 'safeWriteMd: text is a Buffer',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.safeWriteMd(join(d, 'file.txt'), Buffer.from('x') as never),
  },
  {
    name: 'safeWriteMd: eol "cr"',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.safeWriteMd(join(d, 'file.txt'), 'x', { eol: 'cr' as never }),
  },
  // Edits
  {
    name: 'multiEdit: nothing matches',
    code: 'ERR_EDIT_NOT_FOUND',
    call: (d, w) => w.multiEdit(join(d, 'file.txt'), [{ oldString: 'zzz', newString: 'y' }]),
  },
  {
    name: 'multiEdit: two matches',
    code: 'ERR_EDIT_AMBIGUOUS',
    call: (d, w) => w.multiEdit(join(d, 'file.txt'), [{ oldString: 'a', newString: 'b' }]),
  },
  {
    name: 'multiEditSync: oldString equals newString',
    code: 'ERR_EDIT_NO_OP',
    call: (d, w) => w.multiEditSync(join(d, 'file.txt'), [{ oldString: 'alpha', newString: 'alpha' }]),
  },
  {
    name: 'multiEdit: expectedCount mismatch',
    code: 'ERR_EDIT_COUNT_MISMATCH',
    call: (d, w) => w.multiEdit(join(d, 'file.txt'), [{ oldString: 'a', newString: 'b', expectedCount: 3 }]),
  },
  {
    name: 'multiEdit: edits not an array',
    code: 'ERR_EDIT_INVALID',
    call: (d, w) => w.multiEdit(join(d, 'file.txt'), 'a' as never),
  },
  {
    name: 'multiEdit: empty oldString after the first edit',
    code: 'ERR_EDIT_INVALID',
    call: (d, w) =>
      w.multiEdit(join(d, 'file.txt'), [
        { oldString: 'alpha', newString: 'x' },
        { oldString: '', newString: 'y' },
      ]),
  },
  {
    name: 'multiEdit: create over a non-empty file',
    code: 'ERR_CONFLICT',
    call: (d, w) => w.multiEdit(join(d, 'file.txt'), [{ oldString: '', newString: 'y' }]),
  },
  {
    name: 'multiEdit: invalid UTF-8',
    code: 'ERR_ENCODING',
    call: (d, w) => w.multiEdit(join(d, 'latin1.txt'), [{ oldString: 'caf', newString: 'x' }]),
  },
  {
    name: 'multiEdit: missing file',
    code: 'ENOENT',
    call: (d, w) => w.multiEdit(join(d, 'missing.txt'), [{ oldString: 'a', newString: 'b' }]),
  },
  // Locks and read-modify-write
  {
    name: 'update: fn not a function',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.update(join(d, 'file.txt'), 'x' as never),
  },
  {
    name: 'update: fn returns a number',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d, w) => w.update(join(d, 'file.txt'), () => 5 as never),
  },
  {
    name: 'updateJson: corrupt file',
    code: 'ERR_PARSE',
    call: (d, w) => w.updateJson(join(d, 'bad.json'), (v) => v),
  },
  {
    name: 'withLock: retries -1',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.withLock(join(d, 'file.txt'), () => 1, { retries: -1 }),
  },
  // Many files
  {
    name: 'batchWrite: entries not an array',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (_d, w) => w.batchWrite({} as never),
  },
  {
    name: 'batchWrite: concurrency 0',
    code: 'ERR_INVALID_ARG_VALUE',
    call: (d, w) => w.batchWrite([{ path: join(d, 'n'), data: 'x' }], { concurrency: 0 }),
  },
  {
    name: 'batchWrite: one entry is a directory',
    code: 'EISDIR',
    call: (d, w) =>
      w.batchWrite([
        { path: join(d, 'n'), data: 'x' },
        { path: join(d, 'dir'), data: 'x' },
      ]),
  },
  {
    name: 'writeTransaction: fn not a function',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (_d, w) => w.writeTransaction(null as never),
  },
  {
    name: 'writeTransaction: ifMatch conflict on one file',
    code: 'ERR_CONFLICT',
    call: (d, w) =>
      w.writeTransaction((tx) => {
        tx.writeFile(join(d, 'n'), 'x')
        tx.writeFile(join(d, 'file.txt'), 'y', {
          ifMatch: 'sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        })
      }),
  },
  {
    name: 'writeTransaction: aborted signal',
    code: 'ABORT_ERR',
    call: (d, w) => w.writeTransaction((tx) => tx.writeFile(join(d, 'n'), 'x'), { signal: aborted() }),
  },
  { name: 'checkpoint: paths empty', code: 'ERR_INVALID_ARG_TYPE', call: (_d, w) => w.checkpoint([]) },
  {
    name: 'WriteQueue: delayMs -1',
    code: 'ERR_INVALID_ARG_VALUE',
    call: () => new WriteQueue({ delayMs: -1 }),
  },
  {
    name: 'WriteQueue.write: data is an object',
    code: 'ERR_INVALID_ARG_TYPE',
    call: (d) => new WriteQueue().write(join(d, 'n'), {} as never),
  },
  // Root confinement of every API that takes a path, reads included
  ...rootEscapeCases,
]

/** A tree with a file, a directory, a symlink loop and escapes out of dir/. */
function setUp(): string {
  const d = tempDir('dw-bad-')
  writeFileSync(join(d, 'file.txt'), 'alpha beta gamma a\n')
  writeFileSync(join(d, 'bad.json'), '{"a": 1,,}')
  writeFileSync(join(d, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]))
  mkdirSync(join(d, 'dir'))
  symlinkSync(join(d, 'loop'), join(d, 'loop'))
  symlinkSync(d, join(d, 'dir', 'out'))
  symlinkSync(join(d, 'file.txt'), join(d, 'dir', 'link'))
  return d
}

describe('bad input across the APIs: a stable code, the tree unchanged, no fd leaked', () => {
  it.each(cases)('$name → $code', async ({ call, code }) => {
    const d = setUp()
    const writer = new AtomicWriter()
    const before = snapshot(d)
    const fds = openFdCount()
    let error: unknown
    try {
      await call(d, writer)
    } catch (err) {
      error = err
    }
    expect(error, 'the call must fail').toBeDefined()
    expect((error as { code?: string }).code).toBe(code)
    expect((error as Error).message.length).toBeGreaterThan(10)
    expect(snapshot(d)).toEqual(before)
    expect(openFdCount()).toBe(fds)
    reportFigure('bad inputs tried', 1, code)
  })

  it('covers at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })
})
