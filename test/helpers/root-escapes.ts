import { chmodSync, writeFileSync as fsWriteFileSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { AtomicWriter } from '../../src/index.js'
import { tempDir } from './tmp.js'

/** The text of the outside secret: no error message or field may ever quote it. */
export const SECRET = 'TOPSECRET-7c1f'

/** A root beside an outside directory holding a 0600 secret (valid JSON, so a read would succeed). */
export interface RootDirs {
  base: string
  root: string
  outside: string
}

/** Creates base/root (with one file) and base/outside (with a 0600 secret.json and a subdirectory). */
export function rootAndSecret(): RootDirs {
  const base = tempDir('dw-root-')
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(root)
  mkdirSync(join(outside, 'sub'), { recursive: true })
  fsWriteFileSync(join(root, 'inside.json'), '{"inside": true}\n')
  const secret = join(outside, 'secret.json')
  fsWriteFileSync(secret, `{"secret": "${SECRET}"}\n`, { mode: 0o600 })
  chmodSync(secret, 0o600)
  return { base, root, outside }
}

/** Ways a path given as inside the root leads outside it; each returns the path to pass. */
export const escapes: [string, (d: RootDirs) => string][] = [
  ['a `..` escape', ({ root }) => `${root}/sub/../../outside/secret.json`],
  ['an absolute path outside', ({ outside }) => join(outside, 'secret.json')],
  [
    'a symlinked directory pointing outside',
    ({ root, outside }) => {
      symlinkSync(outside, join(root, 'escape-dir'))
      return join(root, 'escape-dir', 'secret.json')
    },
  ],
  [
    'a symlinked final component pointing outside',
    ({ root, outside }) => {
      symlinkSync(join(outside, 'secret.json'), join(root, 'escape-link'))
      return join(root, 'escape-link')
    },
  ],
  [
    'new directories below a symlinked directory pointing outside',
    ({ root, outside }) => {
      symlinkSync(outside, join(root, 'escape-dir'))
      return join(root, 'escape-dir', 'newdir', 'sub', 'x.json')
    },
  ],
  ['new directories outside', ({ outside }) => join(outside, 'newdir', 'sub', 'x.json')],
]

/** Records whether a user callback ran, and with what. */
export type Spy = (value?: unknown) => void

/** One API that takes a path, called so that it must touch only `path`. */
export interface RootApi {
  name: string
  /** Whether the API takes `root` per call (else only the writer's default applies). */
  perCall: boolean
  run(w: AtomicWriter, path: string, opts: { root?: string }, spy: Spy): unknown
}

/** Records `seen` with `spy`, then returns `result` (a callback that would write outside). */
function spied<T>(spy: Spy, seen: unknown, result: T): T {
  spy(seen)
  return result
}

const edits = [{ oldString: `{"secret": "${SECRET.slice(0, -1)}x"}`, newString: 'mine' }]

/** Every API that reads or writes a single path. */
export const rootApis: RootApi[] = [
  { name: 'readVersioned', perCall: true, run: (w, p, o) => w.readVersioned(p, o) },
  { name: 'readVersionedSync', perCall: true, run: (w, p, o) => w.readVersionedSync(p, o) },
  { name: 'readJson', perCall: true, run: (w, p, o) => w.readJson(p, o) },
  { name: 'readJsonSync', perCall: true, run: (w, p, o) => w.readJsonSync(p, o) },
  { name: 'writeFile', perCall: true, run: (w, p, o) => w.writeFile(p, 'pwned', o) },
  { name: 'writeFileSync', perCall: true, run: (w, p, o) => w.writeFileSync(p, 'pwned', o) },
  {
    name: 'writeFile with lock',
    perCall: true,
    run: (w, p, o) => w.writeFile(p, 'pwned', { ...o, lock: true }),
  },
  {
    name: 'writeFileSync with lock',
    perCall: true,
    run: (w, p, o) => w.writeFileSync(p, 'pwned', { ...o, lock: true }),
  },
  { name: 'safeWriteJson', perCall: true, run: (w, p, o) => w.safeWriteJson(p, { pwned: true }, o) },
  { name: 'safeWriteMd', perCall: true, run: (w, p, o) => w.safeWriteMd(p, '# pwned\n', o) },
  { name: 'multiEdit', perCall: true, run: (w, p, o) => w.multiEdit(p, edits, o) },
  { name: 'multiEditSync', perCall: true, run: (w, p, o) => w.multiEditSync(p, edits, o) },
  {
    name: "multiEdit with symlinks: 'replace'",
    perCall: true,
    run: (w, p, o) => w.multiEdit(p, edits, { ...o, symlinks: 'replace' }),
  },
  {
    name: 'multiEdit with lock',
    perCall: true,
    run: (w, p, o) => w.multiEdit(p, edits, { ...o, lock: true }),
  },
  {
    name: 'createWriteStream',
    perCall: true,
    run: (w, p, o) => pipeline(Readable.from(['pwned']), w.createWriteStream(p, o)),
  },
  { name: 'update', perCall: true, run: (w, p, o, spy) => w.update(p, (t) => spied(spy, t, 'pwned'), o) },
  {
    name: "update with symlinks: 'replace'",
    perCall: true,
    run: (w, p, o, spy) => w.update(p, (t) => spied(spy, t, 'pwned'), { ...o, symlinks: 'replace' }),
  },
  {
    name: 'updateJson',
    perCall: true,
    run: (w, p, o, spy) => w.updateJson(p, (v) => spied(spy, v, { pwned: true }), { ...o, default: {} }),
  },
  { name: 'withLock', perCall: true, run: (w, p, o, spy) => w.withLock(p, async () => spy(), o) },
  {
    name: 'batchWrite',
    perCall: true,
    run: (w, p, o) => w.batchWrite([{ path: p, data: 'pwned' }], o),
  },
  {
    name: 'tx.read',
    perCall: true,
    run: (w, p, o, spy) => w.writeTransaction(async (tx) => spy(await tx.read(p, { encoding: 'utf8' })), o),
  },
  {
    name: 'tx.edit',
    perCall: true,
    run: (w, p, o) => w.writeTransaction((tx) => tx.edit(p, edits), o),
  },
  {
    name: 'tx.writeFile',
    perCall: true,
    run: (w, p, o) => w.writeTransaction((tx) => tx.writeFile(p, 'pwned'), o),
  },
  {
    name: 'tx.writeMd (keeping the old line endings)',
    perCall: true,
    run: (w, p, o) => w.writeTransaction((tx) => tx.writeMd(p, '# pwned\n'), o),
  },
  { name: 'tx.remove', perCall: true, run: (w, p, o) => w.writeTransaction((tx) => tx.remove(p), o) },
  { name: 'checkpoint', perCall: false, run: (w, p) => w.checkpoint([p]) },
]

/** The message and every field of an error (its cause's too), as one string to search. */
export function everythingIn(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err)
  const e = err as Record<string, unknown>
  const parts: string[] = []
  for (const key of Object.getOwnPropertyNames(e)) {
    if (key === 'stack') continue
    const value = e[key]
    parts.push(`${key}: ${key === 'cause' ? everythingIn(value) : (JSON.stringify(value) ?? String(value))}`)
  }
  return parts.join('\n')
}
