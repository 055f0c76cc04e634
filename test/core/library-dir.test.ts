import {
  existsSync,
  lstatSync,
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  batchWrite,
  nodeFs,
  type WriteOptions,
  writeFile,
  writeFileSync,
  writeTransaction,
} from '../../src/index.js'
import { faultyFs, interceptFs } from '../helpers/fault-fs.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { errorOf } from './write-api.js'

interface Api {
  name: string
  write(path: string, data: string, options: WriteOptions): Promise<unknown>
}

const apis: Api[] = [
  { name: 'writeFile', write: (p, d, o) => writeFile(p, d, o) },
  { name: 'writeFileSync', write: async (p, d, o) => writeFileSync(p, d, o) },
]
const everyApi: Api[] = [
  ...apis,
  { name: 'writeTransaction', write: (p, d, o) => writeTransaction((tx) => tx.writeFile(p, d, o)) },
  { name: 'batchWrite', write: (p, d, o) => batchWrite([{ path: p, data: d, options: o }]) },
]

/** A root with `f.txt` ('old') and, beside it, a directory outside the root holding backup-like files. */
function setup() {
  const base = tempDir()
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(root)
  mkdirSync(join(outside, 'backups'), { recursive: true })
  const target = join(root, 'f.txt')
  nodeWriteFileSync(target, 'old')
  // Names that rotation would take for f.txt's own backups, were it led here.
  for (const stamp of ['20200101T000000000Z-aaaaaa', '20200101T000000001Z-bbbbbb']) {
    nodeWriteFileSync(join(outside, `f.txt.${stamp}`), 'not yours')
    nodeWriteFileSync(join(outside, 'backups', `f.txt.${stamp}`), 'not yours')
  }
  return { base, root, outside, target, before: snapshot(outside) }
}

describe.each(apis)('$name: library-owned backup directories', (api) => {
  it.each([
    [
      '.durable-write',
      (s: ReturnType<typeof setup>) => symlinkSync(s.outside, join(s.root, '.durable-write')),
    ],
    [
      '.durable-write/backups',
      (s: ReturnType<typeof setup>) => {
        mkdirSync(join(s.root, '.durable-write'))
        symlinkSync(join(s.outside, 'backups'), join(s.root, '.durable-write', 'backups'))
      },
    ],
  ])('refuses a symlinked %s with ERR_JOURNAL_CORRUPT and touches nothing outside', async (where, plant) => {
    const s = setup()
    plant(s)
    for (const options of [{ backup: { keep: 1 } }, { backup: true, root: s.root }]) {
      const err = await errorOf(() => api.write(s.target, 'new', options))
      expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
      expect(err.path).toBe(join(s.root, where))
      expect(err.message).toContain(join(s.root, where))
      expect(err.message).toMatch(/symbolic link.*Remove the link/)
      expect(snapshot(s.outside)).toEqual(s.before)
      expect(readFileSync(s.target, 'utf8')).toBe('old')
      expect(tempFilesIn(s.root)).toEqual([])
    }
  })

  it('refuses a .durable-write that is a file, and leaves it alone', async () => {
    const s = setup()
    nodeWriteFileSync(join(s.root, '.durable-write'), 'mine')
    const err = await errorOf(() => api.write(s.target, 'new', { backup: true }))
    expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
    expect(err.message).toMatch(/is not a directory.*Remove it/)
    expect(readFileSync(join(s.root, '.durable-write'), 'utf8')).toBe('mine')
    expect(readFileSync(s.target, 'utf8')).toBe('old')
  })

  it('re-checks with lstat when a symlink appears between its lstat and its mkdir', async () => {
    const s = setup()
    const fs = interceptFs(nodeFs(), (call, proceed) => {
      if (call.method === 'mkdir' && call.path === join(s.root, '.durable-write')) {
        symlinkSync(s.outside, call.path)
      }
      return proceed()
    })
    const err = await errorOf(() => api.write(s.target, 'new', { backup: true, fs }))
    expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
    expect(snapshot(s.outside)).toEqual(s.before)
    expect(readFileSync(s.target, 'utf8')).toBe('old')
  })

  it('creates .durable-write/backups as real directories and rotates only inside them', async () => {
    const s = setup()
    for (let i = 1; i <= 3; i++) await api.write(s.target, `v${i}`, { backup: { keep: 1 }, root: s.root })
    const dir = join(s.root, '.durable-write', 'backups')
    expect(lstatSync(join(s.root, '.durable-write')).isDirectory()).toBe(true)
    expect(readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'))).toEqual(['v2'])
    expect(snapshot(s.outside)).toEqual(s.before)
  })

  it('uses a backup.dir the user reached through their own symlink, creating its missing part', async () => {
    const s = setup()
    symlinkSync(s.outside, join(s.base, 'mine'))
    const dir = join(s.base, 'mine', 'new', 'backups')
    await api.write(s.target, 'new', { backup: { dir } })
    expect(readdirSync(join(s.outside, 'new', 'backups'))).toHaveLength(1)
    expect(readFileSync(s.target, 'utf8')).toBe('new')
  })

  it('removes the directories a failed backup created, and leaves the target untouched', async () => {
    const s = setup()
    for (const failing of ['copyFile', 'fsync'] as const) {
      const fs = faultyFs(nodeFs(), {
        failAt: 1,
        code: 'ENOSPC',
        only: (call) => call.method === failing && (call.to ?? call.path ?? '').includes('backups'),
      })
      const err = await errorOf(() => api.write(s.target, 'new', { backup: true, fs }))
      expect(err.code).toBe('ENOSPC')
      expect(fs.injected).toHaveLength(1)
      expect(existsSync(join(s.root, '.durable-write'))).toBe(false)
      expect(readdirSync(s.root)).toEqual(['f.txt'])
      expect(readFileSync(s.target, 'utf8')).toBe('old')
    }
  })

  it('removes only the directory it created when .durable-write already existed', async () => {
    const s = setup()
    mkdirSync(join(s.root, '.durable-write'))
    const fs = faultyFs(nodeFs(), { failAt: 1, code: 'EIO', only: (call) => call.method === 'copyFile' })
    const err = await errorOf(() => api.write(s.target, 'new', { backup: true, fs }))
    expect(err.code).toBe('EIO')
    expect(readdirSync(join(s.root, '.durable-write'))).toEqual([])
    expect(readFileSync(s.target, 'utf8')).toBe('old')
  })
})

describe.each(everyApi)('$name: backup.dir and root', (api) => {
  it('fails with ERR_OUTSIDE_ROOT for a backup.dir outside root, before anything is touched', async () => {
    const s = setup()
    const rootBefore = snapshot(s.root)
    const dir = join(s.outside, 'backups')
    const err = await errorOf(() => api.write(s.target, 'new', { backup: { dir, keep: 1 }, root: s.root }))
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(err.message).toContain(dir)
    expect(err.message).toContain('`options.backup.dir`')
    expect(snapshot(s.root)).toEqual(rootBefore)
    expect(snapshot(s.outside)).toEqual(s.before)
  })

  it('fails with ERR_OUTSIDE_ROOT for a backup.dir that a symlink inside root leads outside', async () => {
    const s = setup()
    symlinkSync(s.outside, join(s.root, 'escape'))
    const err = await errorOf(() =>
      api.write(s.target, 'new', {
        backup: { dir: join(s.root, 'escape', 'backups'), keep: 1 },
        root: s.root,
      }),
    )
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(snapshot(s.outside)).toEqual(s.before)
    expect(readFileSync(s.target, 'utf8')).toBe('old')
    expect(tempFilesIn(s.root)).toEqual([])
  })

  it('accepts a backup.dir inside root', async () => {
    const s = setup()
    const dir = join(s.root, 'kept')
    await api.write(s.target, 'new', { backup: { dir }, root: s.root })
    expect(readdirSync(dir)).toHaveLength(1)
  })
})
