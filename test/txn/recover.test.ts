import { createHash } from 'node:crypto'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  utimesSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempPathFor } from '../../src/core/temp-file.js'
import { AtomicWriter, DurableWriteError, nodeFs, recover, writeTransaction } from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { deadWriter } from '../helpers/dead-writer.js'
import { faultyFs, renamesFailFrom } from '../helpers/fault-fs.js'
import { openFdCount, snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

function manifestsIn(journal: string): string[] {
  return existsSync(journal) ? readdirSync(journal).filter((n) => n.endsWith('.manifest')) : []
}

const ZERO = { rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] }

interface Left {
  dir: string
  journal: string
  files: string[]
  removed: string
  manifest: string
}

/**
 * Runs a transaction that writes a.txt, b.txt, sub/c.txt and removes gone.txt, on a file system where
 * every rename and unlink fails from the first one on: the first ones come right after the commit
 * point: the transaction cannot complete itself (its retry fails too) and fails with ERR_TXN_INCOMPLETE,
 * leaving its synced manifest and temps behind. With `partly`, the first rename goes through.
 */
async function leaveCommitted(partly = false): Promise<Left> {
  const dir = tempDir()
  mkdirSync(join(dir, 'sub'))
  const files = [join(dir, 'a.txt'), join(dir, 'b.txt'), join(dir, 'sub', 'c.txt')]
  for (const f of files) nodeWriteFileSync(f, `old ${f}`)
  const removed = join(dir, 'gone.txt')
  nodeWriteFileSync(removed, 'to be removed')
  const fs = faultyFs(nodeFs(), {
    failAt: partly ? 2 : 1,
    code: 'EIO',
    sticky: true,
    only: (c) => c.method === 'rename' || (!partly && c.method === 'unlink'),
  })
  const err = await errorOf(() =>
    writeTransaction(
      (tx) => {
        for (const f of files) tx.writeFile(f, `new ${f}`)
        tx.remove(removed)
      },
      { fs },
    ),
  )
  expect(err.code).toBe('ERR_TXN_INCOMPLETE')
  expect((err.cause as NodeJS.ErrnoException).code).toBe('EIO')
  expect(fs.injected[0]!.call.method).toBe('rename')
  const journal = join(dir, '.durable-write')
  const manifests = manifestsIn(journal)
  expect(manifests).toHaveLength(1)
  return { dir, journal, files, removed, manifest: join(journal, manifests[0]!) }
}

function expectAllNew(left: Left): void {
  for (const f of left.files) expect(read(f)).toBe(`new ${f}`)
  expect(existsSync(left.removed)).toBe(false)
  expect(tempFilesIn(left.dir)).toEqual([])
  expect(manifestsIn(left.journal)).toEqual([])
}

function expectAllOld(left: Left): void {
  for (const f of left.files) expect(read(f)).toBe(`old ${f}`)
  expect(read(left.removed)).toBe('to be removed')
  expect(tempFilesIn(left.dir)).toEqual([])
  expect(manifestsIn(left.journal)).toEqual([])
}

describe('recover rolls a committed transaction forward', () => {
  it('renames every temp and removes removed files when nothing was renamed yet', async () => {
    const left = await leaveCommitted()
    expect(tempFilesIn(left.dir)).toHaveLength(3)
    for (const f of left.files) expect(read(f)).toBe(`old ${f}`)
    const report = await recover(left.dir)
    expect(report).toEqual({ rolledForward: 1, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
    expectAllNew(left)
  })

  it('completes a transaction whose renames were partly done', async () => {
    const left = await leaveCommitted(true)
    const report = await recover(left.dir)
    expect(report).toEqual({ rolledForward: 1, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
    expectAllNew(left)
  })

  it('is idempotent: a second recover reports zeros and changes nothing', async () => {
    const left = await leaveCommitted()
    await recover(left.dir)
    const after = snapshot(left.dir)
    expect(await recover(left.dir)).toEqual(ZERO)
    expect(snapshot(left.dir)).toEqual(after)
  })

  it('never removes a file that was written again after the transaction removed it', async () => {
    const left = await leaveCommitted()
    nodeWriteFileSync(left.removed, 'written again later')
    await recover(left.dir)
    expect(read(left.removed)).toBe('written again later')
    for (const f of left.files) expect(read(f)).toBe(`new ${f}`)
  })

  it('runs automatically before the next transaction on the same journal, reported in TxStats.recovered', async () => {
    const left = await leaveCommitted()
    const other = join(left.dir, 'other.txt')
    const stats = await writeTransaction((tx) => tx.writeFile(other, 'other'))
    expect(stats.recovered).toEqual({ rolledForward: 1, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
    expectAllNew(left)
    expect(read(other)).toBe('other')
    const next = await writeTransaction((tx) => tx.writeFile(other, 'again'))
    expect(next.recovered).toEqual(ZERO)
  })

  it('runs automatically before an atomic batch on the same journal', async () => {
    const left = await leaveCommitted()
    const writer = new AtomicWriter()
    await writer.batchWrite([{ path: join(left.dir, 'x.txt'), data: 'x' }])
    expectAllNew(left)
  })
})

describe('recover rolls back a transaction that never committed', () => {
  it('removes the temps of a torn manifest and leaves every target as it was', async () => {
    const left = await leaveCommitted()
    const size = readFileSync(left.manifest).byteLength
    truncateSync(left.manifest, Math.floor(size / 2))
    const report = await recover(left.dir)
    expect(report).toEqual({ rolledForward: 0, rolledBack: 1, tempFilesRemoved: 3, conflicts: [] })
    expectAllOld(left)
  })

  it('treats a manifest cut right after its header, or empty, as torn', async () => {
    for (const keep of [0, 10]) {
      const left = await leaveCommitted()
      truncateSync(left.manifest, keep)
      const report = await recover(left.dir)
      expect(report.rolledBack).toBe(1)
      expect(report.rolledForward).toBe(0)
      expectAllOld(left)
    }
  })

  it('treats a manifest whose body does not match its checksum as torn', async () => {
    const left = await leaveCommitted()
    const bytes = readFileSync(left.manifest)
    const at = bytes.length - 3
    bytes[at] = bytes[at]! ^ 0x01
    nodeWriteFileSync(left.manifest, bytes)
    const report = await recover(left.dir)
    expect(report).toEqual({ rolledForward: 0, rolledBack: 1, tempFilesRemoved: 3, conflicts: [] })
    expectAllOld(left)
  })

  it('rolls back automatically before the next transaction', async () => {
    const left = await leaveCommitted()
    truncateSync(left.manifest, 5)
    const stats = await writeTransaction((tx) => tx.writeFile(join(left.dir, 'z.txt'), 'z'))
    expect(stats.recovered).toEqual({ rolledForward: 0, rolledBack: 1, tempFilesRemoved: 3, conflicts: [] })
    expectAllOld(left)
  })
})

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** A manifest with a valid checksum over `body`, under the header `magic`. */
function checksummed(magic: string, body: string): Buffer {
  const b = Buffer.from(body)
  return Buffer.concat([Buffer.from(`${magic}\n${sha256(b)} ${b.byteLength}\n`), b])
}

describe('a manifest that passes its checksum but cannot be read', () => {
  const cases = [
    {
      name: 'an unknown format',
      bytes: () => checksummed('durable-write manifest 99', '{"txid":"x","entries":[]}'),
    },
    { name: 'a body that is not JSON', bytes: () => checksummed('durable-write manifest 1', '{not json') },
    {
      name: 'entries of the wrong shape',
      bytes: () =>
        checksummed(
          'durable-write manifest 1',
          JSON.stringify({
            txid: 'x',
            entries: [{ op: 'write', target: 'relative.txt', temp: 'r', hash: '' }],
          }),
        ),
    },
  ]

  it.each(cases)(
    'fails recover with ERR_JOURNAL_CORRUPT for $name and touches nothing',
    async ({ bytes }) => {
      const left = await leaveCommitted()
      nodeWriteFileSync(left.manifest, bytes())
      const orphan = join(left.dir, '.orphan.txt.0123456789abcdef.dwtmp')
      nodeWriteFileSync(orphan, 'orphan')
      const before = snapshot(left.dir)
      const fds = openFdCount()
      const err = await errorOf(() => recover(left.dir))
      expect(err).toBeInstanceOf(DurableWriteError)
      expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
      expect(err.path).toBe(left.manifest)
      expect(err.message).toContain(left.manifest)
      expect(snapshot(left.dir)).toEqual(before)
      expect(openFdCount()).toBe(fds)

      // The next transaction on that journal refuses too, and writes nothing.
      const err2 = await errorOf(() => writeTransaction((tx) => tx.writeFile(join(left.dir, 'n.txt'), 'n')))
      expect(err2.code).toBe('ERR_JOURNAL_CORRUPT')
      expect(snapshot(left.dir)).toEqual(before)
    },
  )
})

describe('recover removes orphan temp files', () => {
  it('removes temp files of the library naming below dir, and never any other file', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'deep', 'er'), { recursive: true })
    mkdirSync(join(dir, 'node_modules'))
    const orphans = [
      join(dir, '.x.0123456789abcdef.dwtmp'),
      join(dir, '.config.json.fedcba9876543210.dwtmp'),
      join(dir, 'deep', 'er', '.y.txt.00000000ffffffff.dwtmp'),
      tempPathFor(join(dir, 'deep', 'z.txt'), '', deadWriter()),
    ]
    const keep = [
      // A name of version 0.1 records no writer: it is presumed live until untouched for an hour.
      join(dir, '.fresh.0123456789abcdef.dwtmp'),
      join(dir, '.x.tmp'),
      join(dir, 'notes.dwtmp'),
      join(dir, '.x.0123.dwtmp'),
      join(dir, '.x.0123456789ABCDEF.dwtmp'),
      join(dir, 'x.0123456789abcdef.dwtmp'),
      join(dir, '.x.0123456789abcdef.dwtmp.bak'),
      join(dir, 'deep', 'keep.txt'),
      join(dir, 'node_modules', '.m.0123456789abcdef.dwtmp'),
    ]
    for (const f of [...orphans, ...keep]) nodeWriteFileSync(f, 'x')
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    for (const f of orphans.slice(0, 3)) utimesSync(f, twoHoursAgo, twoHoursAgo)
    // A directory and a symlink named like temps are not temp files.
    mkdirSync(join(dir, '.d.0123456789abcdef.dwtmp'))
    const outside = join(tempDir(), 'outside.txt')
    nodeWriteFileSync(outside, 'outside')
    symlinkSync(outside, join(dir, '.l.0123456789abcdef.dwtmp'))

    const report = await recover(dir)
    expect(report).toEqual({ rolledForward: 0, rolledBack: 0, tempFilesRemoved: 4, conflicts: [] })
    for (const f of orphans) expect(existsSync(f)).toBe(false)
    for (const f of keep) expect(existsSync(f)).toBe(true)
    expect(existsSync(join(dir, '.d.0123456789abcdef.dwtmp'))).toBe(true)
    expect(lstatSync(join(dir, '.l.0123456789abcdef.dwtmp')).isSymbolicLink()).toBe(true)
    expect(read(outside)).toBe('outside')
    expect(await recover(dir)).toEqual(ZERO)
  })

  it('returns zeros for a directory that does not exist', async () => {
    const dir = join(tempDir(), 'missing')
    expect(await recover(dir)).toEqual(ZERO)
    expect(existsSync(dir)).toBe(false)
  })

  it('recovers a custom journalDir named in options.journalDir', async () => {
    const root = tempDir()
    const journalDir = join(root, 'journal')
    const files = [join(root, 'data', 'a.txt'), join(root, 'data', 'b.txt')]
    mkdirSync(join(root, 'data'))
    for (const f of files) nodeWriteFileSync(f, 'old')
    const fs = renamesFailFrom(1)
    const err = await errorOf(() =>
      writeTransaction(
        (tx) => {
          for (const f of files) tx.writeFile(f, 'new')
        },
        { fs, journalDir },
      ),
    )
    expect(err.code).toBe('ERR_TXN_INCOMPLETE')
    expect(manifestsIn(journalDir)).toHaveLength(1)
    const report = await recover(join(root, 'data'), { journalDir })
    expect(report.rolledForward).toBe(1)
    for (const f of files) expect(read(f)).toBe('new')
    expect(manifestsIn(journalDir)).toEqual([])
    expect(tempFilesIn(root)).toEqual([])
  })
})
