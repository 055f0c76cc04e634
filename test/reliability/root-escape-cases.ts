import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AtomicWriter } from '../../src/index.js'

/** A bad-input case: the call must fail with `code` and change nothing. */
interface RootEscapeCase {
  name: string
  code: string
  call: (d: string, w: AtomicWriter) => unknown
}

/** Paths below the bad-input tree that leave its `dir/` root (see setUp in bad-input.test.ts). */
const escapes: [string, (d: string) => string][] = [
  ['.. escape', (d) => join(d, 'dir/../file.txt')],
  ['absolute path outside', (d) => join(d, 'file.txt')],
  ['symlinked directory', (d) => join(d, 'dir/out/file.txt')],
  ['symlinked final component', (d) => join(d, 'dir/link')],
  ['new directories below a symlinked directory', (d) => join(d, 'dir/out/new/sub/x')],
]

const edit = [{ oldString: 'alpha', newString: 'omega' }]

/** Every API that takes a path, with the root given per call (`r`) or as the writer's default. */
const apis: [string, (w: AtomicWriter, p: string, r: string) => unknown][] = [
  ['readVersioned', (w, p, r) => w.readVersioned(p, { root: r })],
  ['readVersionedSync', (w, p, r) => w.readVersionedSync(p, { root: r })],
  ['readJson', (_w, p, r) => new AtomicWriter({ root: r }).readJson(p)],
  ['readJsonSync', (w, p, r) => w.readJsonSync(p, { root: r })],
  ['writeFile', (w, p, r) => w.writeFile(p, 'x', { root: r })],
  ['writeFile with lock', (w, p, r) => w.writeFile(p, 'x', { root: r, lock: true })],
  [
    'writeFileSync with lock',
    (_w, p, r) => new AtomicWriter({ root: r }).writeFileSync(p, 'x', { lock: true }),
  ],
  ['safeWriteJson', (w, p, r) => w.safeWriteJson(p, {}, { root: r })],
  ['safeWriteMdSync', (w, p, r) => w.safeWriteMdSync(p, '# x\n', { root: r })],
  ['multiEdit', (w, p, r) => w.multiEdit(p, edit, { root: r, lock: true })],
  ['multiEditSync', (w, p, r) => w.multiEditSync(p, edit, { root: r, symlinks: 'replace' })],
  ['createWriteStream', (w, p, r) => pipeline(Readable.from(['x']), w.createWriteStream(p, { root: r }))],
  ['update', (w, p, r) => w.update(p, () => 'x', { root: r })],
  ['updateJson', (_w, p, r) => new AtomicWriter({ root: r }).updateJson(p, () => 1, { default: 0 })],
  ['withLock', (w, p, r) => w.withLock(p, () => undefined, { root: r })],
  ['withLock (writer root)', (_w, p, r) => new AtomicWriter({ root: r }).withLock(p, () => undefined)],
  ['batchWrite', (w, p, r) => w.batchWrite([{ path: p, data: 'x' }], { root: r })],
  ['tx.read', (w, p, r) => w.writeTransaction((tx) => tx.read(p), { root: r })],
  ['tx.edit', (w, p, r) => w.writeTransaction((tx) => tx.edit(p, edit), { root: r })],
  ['tx.writeFile', (w, p, r) => w.writeTransaction((tx) => tx.writeFile(p, 'x'), { root: r })],
  ['tx.remove', (_w, p, r) => new AtomicWriter({ root: r }).writeTransaction((tx) => tx.remove(p))],
  ['checkpoint', (_w, p, r) => new AtomicWriter({ root: r }).checkpoint([p])],
]

/** Each API through each escape: `ERR_OUTSIDE_ROOT`, with nothing locked, created or read. */
export const rootEscapeCases: RootEscapeCase[] = [
  ...apis.flatMap(([api, call]) =>
    escapes.map(([how, path]) => ({
      name: `${api}: root, ${how}`,
      code: 'ERR_OUTSIDE_ROOT',
      call: (d: string, w: AtomicWriter) => call(w, path(d), join(d, 'dir')),
    })),
  ),
  {
    name: 'recover: root, directory outside',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d) => new AtomicWriter({ root: join(d, 'dir') }).recover(d),
  },
  {
    name: 'recover: root, symlinked directory',
    code: 'ERR_OUTSIDE_ROOT',
    call: (d, w) => w.recover(join(d, 'dir/out'), { root: join(d, 'dir') }),
  },
]
