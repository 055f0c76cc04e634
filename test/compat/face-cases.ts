/**
 * How each documented difference between a face and its original is observed. docs/faces.md holds
 * the table of outcomes; test/compat/differences.test.ts runs every case here on both sides and
 * checks the result against that table, so the documentation cannot drift from the behaviour.
 */
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as originalAtomically from 'atomically'
import { Writer as OriginalWriter } from 'steno'
import * as ourAtomically from '../../src/compat/atomically.js'
import { Writer as OurWriter } from '../../src/compat/steno.js'
import ourWfa from '../../src/compat/write-file-atomic.js'
import { packageRoot } from '../cli/run-cli.js'

const require = createRequire(import.meta.url)

/** The three faces, by the name of the package they stand in for. */
export type FaceName = 'write-file-atomic' | 'atomically' | 'steno'

/** One side of a comparison: the original package or durable-write's face of it. */
export interface Side {
  readonly face: FaceName
  readonly isOurs: boolean
  /** The asynchronous write (steno: `new Writer(file).write(data)`, which takes no options). */
  write(file: string, data: string | NodeJS.ArrayBufferView, options?: unknown): Promise<void>
  /** The synchronous write, where the package has one. */
  readonly writeSync?: (file: string, data: string | NodeJS.ArrayBufferView, options?: unknown) => void
  /** What a child process imports to load this side. */
  readonly module: string
}

type Wfa = typeof ourWfa
type Atomically = typeof ourAtomically

function wfaSide(wfa: Wfa, isOurs: boolean, module: string): Side {
  return {
    face: 'write-file-atomic',
    isOurs,
    write: (f, d, o) => wfa(f, d, o as never),
    writeSync: (f, d, o) => wfa.sync(f, d, o as never),
    module,
  }
}

function atomicallySide(at: Atomically, isOurs: boolean, module: string): Side {
  return {
    face: 'atomically',
    isOurs,
    write: (f, d, o) => at.writeFile(f, d as Uint8Array, o as never),
    writeSync: (f, d, o) => at.writeFileSync(f, d as Uint8Array, o as never),
    module,
  }
}

function stenoSide(W: typeof OurWriter, isOurs: boolean, module: string): Side {
  return { face: 'steno', isOurs, write: (f, d) => new W(f).write(d), module }
}

const dist = (name: string) => join(packageRoot, 'dist', 'compat', `${name}.js`)

/** The original and the face of each package. */
export const SIDES: Record<FaceName, { original: Side; face: Side }> = {
  'write-file-atomic': {
    original: wfaSide(require('write-file-atomic') as Wfa, false, 'write-file-atomic'),
    face: wfaSide(ourWfa, true, dist('write-file-atomic')),
  },
  atomically: {
    original: atomicallySide(originalAtomically as unknown as Atomically, false, 'atomically'),
    face: atomicallySide(ourAtomically, true, dist('atomically')),
  },
  steno: {
    original: stenoSide(OriginalWriter as unknown as typeof OurWriter, false, 'steno'),
    face: stenoSide(OurWriter, true, dist('steno')),
  },
}

/** One difference (or sameness) the table documents. */
export interface FaceCase {
  /** The id in the first column of docs/faces.md. */
  readonly id: string
  /** Runs only as root (it changes file owners). */
  readonly needsRoot?: boolean
  /** Does the case on one side in a fresh directory; resolves with the outcome, as the table words it. */
  run(side: Side, dir: string): Promise<string>
}

const defaultMode = () => 0o666 & ~process.umask()

async function outcomeOf(fn: () => Promise<unknown> | unknown): Promise<string | undefined> {
  try {
    await fn()
    return undefined
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return `fails with ${e.code ?? e.name}`
  }
}

/** What happened to `link` after a write through it. */
function linkOutcome(dir: string, link: string, target: string, data: string): string {
  const st = lstatSync(join(dir, link))
  if (st.isSymbolicLink()) {
    const content = readFileSync(join(dir, target), 'utf8')
    return content === data
      ? 'writes the link target, keeps the link'
      : `keeps the link, target holds ${content}`
  }
  return readFileSync(join(dir, link), 'utf8') === data ? 'replaces the link with a file' : 'loses the data'
}

function needs(side: Side, what: 'sync'): NonNullable<Side['writeSync']> {
  if (!side.writeSync) throw new Error(`${side.face} has no ${what} form`)
  return side.writeSync
}

/** Every case, by id. Which cases a face's table lists is up to the table. */
export const CASES: readonly FaceCase[] = [
  {
    id: 'symlink',
    async run(side, dir) {
      writeFileSync(join(dir, 'target'), 'old')
      symlinkSync('target', join(dir, 'link'))
      await side.write(join(dir, 'link'), 'new')
      return linkOutcome(dir, 'link', 'target', 'new')
    },
  },
  {
    id: 'dangling-symlink',
    async run(side, dir) {
      symlinkSync('target', join(dir, 'link'))
      await side.write(join(dir, 'link'), 'new')
      return linkOutcome(dir, 'link', 'target', 'new')
    },
  },
  {
    id: 'dangling-symlink-missing-dir',
    async run(side, dir) {
      symlinkSync(join('missing', 'target'), join(dir, 'link'))
      await side.write(join(dir, 'link'), 'new')
      return linkOutcome(dir, 'link', join('missing', 'target'), 'new')
    },
  },
  {
    id: 'mode-0600',
    async run(side, dir) {
      const file = join(dir, 'secret')
      writeFileSync(file, 'old')
      chmodSync(file, 0o600)
      await side.write(file, 'new')
      const mode = statSync(file).mode & 0o7777
      if (mode === 0o600) return 'keeps 0600'
      return mode === defaultMode() ? 'resets it to 0666 & ~umask' : `sets ${mode.toString(8)}`
    },
  },
  {
    id: 'typed-array',
    async run(side, dir) {
      const file = join(dir, 'f')
      const data = Uint16Array.of(0x4241, 0x4443, 0x4645) // 6 bytes, 3 elements
      await side.write(file, data)
      return `writes ${readFileSync(file).length} of 6 bytes`
    },
  },
  {
    id: 'null-options',
    async run(side, dir) {
      const file = join(dir, 'f')
      const failed = await outcomeOf(() => side.write(file, 'x', null))
      return failed ?? (readFileSync(file, 'utf8') === 'x' ? 'writes with the defaults' : 'loses the data')
    },
  },
  {
    id: 'null-options-sync',
    async run(side, dir) {
      const file = join(dir, 'f')
      const failed = await outcomeOf(() => needs(side, 'sync')(file, 'x', null))
      return failed ?? (readFileSync(file, 'utf8') === 'x' ? 'writes with the defaults' : 'loses the data')
    },
  },
  {
    id: 'chown-false-sync',
    needsRoot: true,
    async run(side, dir) {
      const file = join(dir, 'f')
      writeFileSync(file, 'old')
      chownSync(file, 1234, 2345)
      needs(side, 'sync')(file, 'new', { chown: false })
      const { uid, gid } = statSync(file)
      if (uid === 1234 && gid === 2345) return 'keeps the old owner'
      return uid === process.getuid?.() ? 'leaves the owner to the writing user' : `owner ${uid}:${gid}`
    },
  },
  {
    id: 'long-name',
    async run(side, dir) {
      const name = `${'n'.repeat(300)}.json`
      const failed = await outcomeOf(() => side.write(join(dir, name), 'x'))
      if (failed)
        return readdirSync(dir).length === 0 ? `${failed}, writes nothing` : `${failed}, leaves a file`
      const names = readdirSync(dir)
      if (names.includes(name)) return 'writes the file'
      return names.length === 1
        ? `writes ${Buffer.byteLength(names[0]!)}-byte name instead`
        : 'loses the data'
    },
  },
  {
    id: 'throwing-callback',
    async run(side, dir) {
      const fixture = fileURLToPath(new URL('./fixtures/throwing-callback.mjs', import.meta.url))
      const out = execFileSync(process.execPath, [fixture, side.face, side.module, join(dir, 'f')], {
        cwd: packageRoot,
        encoding: 'utf8',
      })
      const r = JSON.parse(out) as { calls: number; returned: string; unhandled: number }
      const unhandled =
        r.unhandled === 0 ? '' : `, ${r.unhandled} unhandled rejection${r.unhandled > 1 ? 's' : ''}`
      return `calls it ${r.calls === 1 ? 'once' : `${r.calls} times`}, promise ${r.returned}${unhandled}`
    },
  },
]
