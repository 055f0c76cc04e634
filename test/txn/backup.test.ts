import {
  existsSync,
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { batchWrite, type WriteOptions, writeFile, writeFileSync, writeTransaction } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

interface Api {
  name: string
  write(path: string, data: string, options: WriteOptions): Promise<unknown>
}

/** Every way to write one file with write options. */
const apis: Api[] = [
  { name: 'writeFile', write: (path, data, options) => writeFile(path, data, options) },
  { name: 'writeFileSync', write: async (path, data, options) => writeFileSync(path, data, options) },
  {
    name: 'writeTransaction',
    write: (path, data, options) => writeTransaction((tx) => tx.writeFile(path, data, options)),
  },
  {
    name: 'batchWrite',
    write: (path, data, options) => batchWrite([{ path, data, options }]),
  },
]

/** Backups of `name` in `dir`, oldest first. */
function backupsOf(dir: string, name: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${name}.`))
    .sort()
    .map((n) => join(dir, n))
}

describe.each(apis)('the backup option with $name', (api) => {
  it('keeps the previous version in .durable-write/backups beside the target, as a separate inode', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'sub'))
    const target = join(dir, 'sub', 'config.json')
    nodeWriteFileSync(target, 'version 1')
    const oldIno = statSync(target).ino
    await api.write(target, 'version 2', { backup: {} })
    expect(readFileSync(target, 'utf8')).toBe('version 2')

    const backupDir = join(dir, 'sub', '.durable-write', 'backups')
    const backups = backupsOf(backupDir, 'config.json')
    expect(backups).toHaveLength(1)
    expect(backups[0]!).toMatch(/\/config\.json\.\d{8}T\d{9}Z-[0-9a-f]{6}$/)
    expect(readFileSync(backups[0]!, 'utf8')).toBe('version 1')
    // Not a hard link to the replaced file, nor to the new one.
    const st = statSync(backups[0]!)
    expect(st.ino).not.toBe(oldIno)
    expect(st.ino).not.toBe(statSync(target).ino)
    expect(st.nlink).toBe(1)

    // An in-place writer changes the target, never the backup.
    nodeWriteFileSync(target, 'changed in place')
    expect(readFileSync(backups[0]!, 'utf8')).toBe('version 1')
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('rotates backups to keep, dropping the oldest', async () => {
    const dir = tempDir()
    const target = join(dir, 'f.txt')
    nodeWriteFileSync(target, 'v0')
    for (let i = 1; i <= 5; i++) await api.write(target, `v${i}`, { backup: { keep: 2 }, durability: 'fast' })
    const backups = backupsOf(join(dir, '.durable-write', 'backups'), 'f.txt')
    expect(backups.map((b) => readFileSync(b, 'utf8'))).toEqual(['v3', 'v4'])
    expect(readFileSync(target, 'utf8')).toBe('v5')
  })

  it('keeps the newest backups when several are made within one millisecond', async () => {
    const dir = tempDir()
    const target = join(dir, 'f.txt')
    nodeWriteFileSync(target, 'v0')
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    try {
      for (let i = 1; i <= 6; i++)
        await api.write(target, `v${i}`, { backup: { keep: 2 }, durability: 'fast' })
    } finally {
      vi.useRealTimers()
    }
    const backups = backupsOf(join(dir, '.durable-write', 'backups'), 'f.txt')
    expect(backups.map((b) => readFileSync(b, 'utf8'))).toEqual(['v4', 'v5'])
  })

  it('makes no backup for a new file', async () => {
    const dir = tempDir()
    const target = join(dir, 'new.txt')
    await api.write(target, 'first', { backup: { keep: 3 } })
    expect(readFileSync(target, 'utf8')).toBe('first')
    expect(backupsOf(join(dir, '.durable-write', 'backups'), 'new.txt')).toEqual([])
  })

  it('keeps backups in backup.dir when given, and only of the file written', async () => {
    const dir = tempDir()
    const elsewhere = join(tempDir(), 'backups')
    const target = join(dir, 'a.txt')
    const neighbour = join(dir, 'a.txt.old')
    nodeWriteFileSync(target, 'a1')
    nodeWriteFileSync(neighbour, 'unrelated')
    await api.write(target, 'a2', { backup: { dir: elsewhere, keep: 1 } })
    await api.write(target, 'a3', { backup: { dir: elsewhere, keep: 1 } })
    const backups = backupsOf(elsewhere, 'a.txt')
    expect(backups.map((b) => readFileSync(b, 'utf8'))).toEqual(['a2'])
    expect(existsSync(join(dir, '.durable-write', 'backups'))).toBe(false)
    expect(readFileSync(neighbour, 'utf8')).toBe('unrelated')
  })
})

describe('backup option validation', () => {
  it.each([0, -1, 1.5])('rejects keep: %s with ERR_INVALID_ARG_VALUE', async (keep) => {
    const dir = tempDir()
    const err = await errorOf(() => writeFile(join(dir, 'f'), 'x', { backup: { keep } }))
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(readdirSync(dir)).toEqual([])
  })

  it('rejects a backup that is not an object with ERR_INVALID_ARG_TYPE', async () => {
    const dir = tempDir()
    const err = await errorOf(() => writeFile(join(dir, 'f'), 'x', { backup: 'yes' as never }))
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
  })
})

describe('backups in a transaction', () => {
  it('backs up every replaced file of the transaction, and none of a transaction that fails', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    const b = join(dir, 'b.txt')
    nodeWriteFileSync(a, 'a1')
    nodeWriteFileSync(b, 'b1')
    await writeTransaction(
      (tx) => {
        tx.writeFile(a, 'a2')
        tx.writeFile(b, 'b2')
      },
      { backup: {} },
    )
    const backupDir = join(dir, '.durable-write', 'backups')
    expect(backupsOf(backupDir, 'a.txt').map((p) => readFileSync(p, 'utf8'))).toEqual(['a1'])
    expect(backupsOf(backupDir, 'b.txt').map((p) => readFileSync(p, 'utf8'))).toEqual(['b1'])

    const err = await errorOf(() =>
      writeTransaction(
        (tx) => {
          tx.writeFile(a, 'a3')
          tx.writeFile(join(dir, 'a.txt', 'impossible'), 'x')
        },
        { backup: {} },
      ),
    )
    expect(err.code).toBe('ENOTDIR')
    expect(readFileSync(a, 'utf8')).toBe('a2')
    expect(backupsOf(backupDir, 'a.txt').map((p) => readFileSync(p, 'utf8'))).toEqual(['a1'])
  })
})
