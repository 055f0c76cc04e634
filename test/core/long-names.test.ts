import {
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { sideName } from '../../src/core/side-name.js'
import {
  batchWrite,
  checkpoint,
  createWriteStream,
  multiEdit,
  multiEditSync,
  safeWriteJson,
  safeWriteJsonSync,
  safeWriteMd,
  safeWriteMdSync,
  update,
  updateJson,
  withLock,
  writeFile,
  writeFileSync,
  writeTransaction,
} from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

/** Base names of exactly NAME_MAX (255) bytes: valid names whose side files need shortening. */
const names = [
  { kind: 'ASCII', name: `${'a'.repeat(251)}.txt` },
  { kind: 'multibyte', name: `${'日'.repeat(83)}ab.txt` },
]

interface Case {
  api: string
  /** Replaces the content `old` of `path` with `new` (as text; JSON cases with the JSON string "new"). */
  run(path: string): Promise<unknown>
  expected: string
  /** Backups expected in `.durable-write/backups` afterwards. */
  backups?: number
}

const edit = [{ oldString: 'old', newString: 'new' }]

const cases: Case[] = [
  { api: 'writeFile', run: (p) => writeFile(p, 'new'), expected: 'new' },
  { api: 'writeFileSync', run: async (p) => writeFileSync(p, 'new'), expected: 'new' },
  { api: 'writeFile + lock', run: (p) => writeFile(p, 'new', { lock: true }), expected: 'new' },
  { api: 'writeFileSync + lock', run: async (p) => writeFileSync(p, 'new', { lock: true }), expected: 'new' },
  {
    api: 'writeFile + backup',
    run: (p) => writeFile(p, 'new', { backup: true }),
    expected: 'new',
    backups: 1,
  },
  {
    api: 'writeFileSync + backup',
    run: async (p) => writeFileSync(p, 'new', { backup: true }),
    expected: 'new',
    backups: 1,
  },
  {
    api: 'writeFile + lock + backup',
    run: (p) => writeFile(p, 'new', { lock: true, backup: { keep: 1 } }),
    expected: 'new',
    backups: 1,
  },
  { api: 'safeWriteJson', run: (p) => safeWriteJson(p, 'new', { lock: true }), expected: '"new"\n' },
  { api: 'safeWriteJsonSync', run: async (p) => safeWriteJsonSync(p, 'new'), expected: '"new"\n' },
  { api: 'safeWriteMd', run: (p) => safeWriteMd(p, 'new', { backup: true }), expected: 'new', backups: 1 },
  { api: 'safeWriteMdSync', run: async (p) => safeWriteMdSync(p, 'new'), expected: 'new' },
  { api: 'multiEdit', run: (p) => multiEdit(p, edit, { lock: true }), expected: 'new' },
  {
    api: 'multiEditSync',
    run: async (p) => multiEditSync(p, edit, { backup: true }),
    expected: 'new',
    backups: 1,
  },
  {
    api: 'createWriteStream',
    run: (p) => pipeline(Readable.from(['ne', 'w']), createWriteStream(p, { lock: true })),
    expected: 'new',
  },
  { api: 'update', run: (p) => update(p, (current) => current!.replace('old', 'new')), expected: 'new' },
  {
    api: 'updateJson',
    run: (p) => updateJson<string>(p, () => 'new', { default: 'x' }),
    expected: '"new"\n',
  },
  {
    api: 'withLock',
    run: (p) => withLock(p, () => writeFile(p, 'new', { backup: true })),
    expected: 'new',
    backups: 1,
  },
  { api: 'batchWrite', run: (p) => batchWrite([{ path: p, data: 'new' }]), expected: 'new' },
  {
    api: 'batchWrite (atomic: false)',
    run: (p) => batchWrite([{ path: p, data: 'new', options: { lock: true } }], { atomic: false }),
    expected: 'new',
  },
  {
    api: 'writeTransaction',
    run: (p) => writeTransaction((tx) => tx.writeFile(p, 'new', { backup: true })),
    expected: 'new',
    backups: 1,
  },
  {
    api: 'checkpoint/restore',
    run: async (p) => {
      nodeWriteFileSync(p, 'new')
      const cp = await checkpoint([p])
      nodeWriteFileSync(p, 'changed')
      await cp.restore()
      await cp.discard()
    },
    expected: 'new',
  },
]

/** Everything in `dir` that is neither the target nor inside `.durable-write`: stray side files. */
function strays(dir: string, name: string): string[] {
  return Object.keys(snapshot(dir)).filter((p) => p !== name && !p.startsWith('.durable-write'))
}

describe.each(names)('a 255-byte $kind base name', ({ name }) => {
  it.each(cases)('is written by $api, leaving no side file behind', async (c) => {
    const dir = tempDir()
    const target = join(dir, name)
    expect(Buffer.byteLength(name)).toBe(255)
    nodeWriteFileSync(target, c.api === 'updateJson' ? '"old"\n' : 'old')
    await c.run(target)
    expect(readFileSync(target, 'utf8')).toBe(c.expected)
    expect(strays(dir, name)).toEqual([])
    expect(tempFilesIn(dir)).toEqual([])
    expect(Object.keys(snapshot(dir)).filter((p) => /\.lock/.test(p))).toEqual([])
    const backupDir = join(dir, '.durable-write', 'backups')
    const backups = c.backups ? readdirSync(backupDir) : []
    expect(backups).toHaveLength(c.backups ?? 0)
    for (const b of backups) expect(readFileSync(join(backupDir, b), 'utf8')).toMatch(/^"?old/)
  })

  it('holds distinct locks for two long names that differ only at the end', async () => {
    const dir = tempDir()
    const a = join(dir, name.replace(/\.txt$/, '.txa'))
    const b = join(dir, name)
    const order: string[] = []
    await withLock(a, async () => {
      // A shared lock path would make this wait for the outer lock, and fail with ERR_LOCKED.
      await withLock(b, async () => void order.push('b'), { retries: 0 })
      order.push('a')
    })
    expect(order).toEqual(['b', 'a'])
    expect(readdirSync(dir)).toEqual([])
  })

  it("rotates each long name's own backups and never another's", async () => {
    const dir = join(tempDir(), 'sub')
    mkdirSync(dir)
    const a = join(dir, name.replace(/\.txt$/, '.txa'))
    const b = join(dir, name)
    nodeWriteFileSync(a, 'a0')
    nodeWriteFileSync(b, 'b0')
    for (let i = 1; i <= 3; i++) {
      await writeFile(a, `a${i}`, { backup: { keep: 2 }, durability: 'fast' })
      writeFileSync(b, `b${i}`, { backup: { keep: 1 }, durability: 'fast' })
    }
    const backupDir = join(dir, '.durable-write', 'backups')
    const contents = readdirSync(backupDir)
      .map((n) => readFileSync(join(backupDir, n), 'utf8'))
      .sort()
    expect(contents).toEqual(['a1', 'a2', 'b2'])
  })
})

describe('the lock owner record', () => {
  it('is never written through a symlink planted in its place', async () => {
    const dir = tempDir()
    const outside = join(tempDir(), 'precious.txt')
    nodeWriteFileSync(outside, 'precious')
    for (const name of ['f.txt', names[0]!.name]) {
      const target = join(dir, name)
      const owner = join(dir, sideName(name, '.lock.owner'))
      symlinkSync(outside, owner)
      await writeFile(target, 'new', { lock: true })
      writeFileSync(target, 'newer', { lock: true })
      expect(readFileSync(outside, 'utf8')).toBe('precious')
      expect(readFileSync(target, 'utf8')).toBe('newer')
    }
  })
})
