import {
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { journalTagFor, tempPathFor } from '../../src/core/temp-file.js'
import { AtomicWriter, recover, writeFile, writeTransaction } from '../../src/index.js'
import { contentHash } from '../../src/txn/manifest.js'
import { errorOf } from '../core/write-api.js'
import { deadWriter } from '../helpers/dead-writer.js'
import { renamesFailFrom } from '../helpers/fault-fs.js'
import { reportFigure } from '../helpers/report.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

/**
 * A two-file transaction (`dir/<name>`, `dir/sub/b.txt`) whose first rename goes through and whose
 * later renames keep failing: it rejects with ERR_TXN_INCOMPLETE, `dir/<name>` new, `sub/b.txt` old.
 */
async function halfRenamed(
  name = 'a.txt',
  journalDir?: string,
): Promise<{ dir: string; a: string; b: string }> {
  const dir = tempDir()
  mkdirSync(join(dir, 'sub'))
  const a = join(dir, name)
  const b = join(dir, 'sub', 'b.txt')
  writeFileSync(a, 'OLD-A')
  writeFileSync(b, 'OLD-B')
  const fs = renamesFailFrom(2)
  const err = await errorOf(() =>
    writeTransaction(
      (tx) => {
        tx.writeFile(a, 'NEW-A')
        tx.writeFile(b, 'NEW-B')
      },
      { fs, concurrency: 1, ...(journalDir ? { journalDir: join(dir, journalDir) } : {}) },
    ),
  )
  expect(err.code).toBe('ERR_TXN_INCOMPLETE')
  expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['NEW-A', 'OLD-B'])
  return { dir, a, b }
}

function both(t: { a: string; b: string }): string[] {
  return [readFileSync(t.a, 'utf8'), readFileSync(t.b, 'utf8')]
}

describe('recovery never drops a temp a committed transaction needs', () => {
  it('keeps it when recover runs with a root below the journal', async () => {
    const t = await halfRenamed()
    const sub = join(t.dir, 'sub')
    const report = await new AtomicWriter({ root: sub }).recover(sub)
    expect(report.rolledForward).toBe(0)
    expect(report.tempFilesRemoved).toBe(0)
    expect(tempFilesIn(sub)).toHaveLength(1)
    expect((await recover(t.dir)).rolledForward).toBe(1)
    expect(both(t)).toEqual(['NEW-A', 'NEW-B'])
  })

  it('keeps it when the journal is a custom journalDir that recover was not told of', async () => {
    const t = await halfRenamed('a.txt', 'myjournal')
    expect((await recover(t.dir)).tempFilesRemoved).toBe(0)
    expect(tempFilesIn(t.dir)).toHaveLength(1)
    const report = await recover(t.dir, { journalDir: join(t.dir, 'myjournal') })
    expect(report.rolledForward).toBe(1)
    expect(both(t)).toEqual(['NEW-A', 'NEW-B'])
    expect(tempFilesIn(t.dir)).toEqual([])
  })

  it('removes a dead custom-journal transaction temp only when its own journal, named, has no manifest', async () => {
    const dir = tempDir()
    const journal = join(dir, 'myjournal')
    mkdirSync(journal)
    const writer = new AtomicWriter()
    // The tag in the name ties the temp to its journal; another custom journal does not claim it.
    const temp = tempPathFor(join(dir, 'x'), 'cccc0003', deadWriter(), journalTagFor(dir, journal))
    writeFileSync(temp, 'never committed')
    mkdirSync(join(dir, 'other'))
    await writer.recover(dir, { journalDir: join(dir, 'other') })
    expect(tempFilesIn(dir)).toHaveLength(1)
    await writer.recover(dir, { journalDir: journal })
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('completes a transaction over a file name with a backslash (an ordinary character on POSIX)', async () => {
    if (process.platform === 'win32') return
    const t = await halfRenamed('a\\b.txt')
    expect((await recover(t.dir)).rolledForward).toBe(1)
    expect(both(t)).toEqual(['NEW-A', 'NEW-B'])
  })

  it('reports a target whose temp was removed by hand while it still holds its old content', async () => {
    const t = await halfRenamed()
    for (const temp of tempFilesIn(t.dir)) unlinkSync(join(t.dir, temp))
    const report = await recover(t.dir)
    expect(report.rolledForward).toBe(1)
    expect(report.conflicts).toEqual([
      { path: t.b, kept: undefined, txid: expect.stringMatching(/^[0-9a-f]{8}$/), reason: 'temp-missing' },
    ])
  })
})

describe('a format-1 manifest (absolute paths, no old versions)', () => {
  function legacy(dir: string, target: string, content: string): string {
    const txid = 'dddd0004'
    const temp = tempPathFor(target, txid, deadWriter())
    writeFileSync(temp, content)
    const body = Buffer.from(
      JSON.stringify({
        txid,
        entries: [{ op: 'write', target, temp, hash: contentHash(Buffer.from(content)) }],
      }),
    )
    mkdirSync(join(dir, '.durable-write'), { recursive: true })
    const manifest = join(dir, '.durable-write', `${txid}.manifest`)
    writeFileSync(
      manifest,
      Buffer.concat([
        Buffer.from(`durable-write manifest 1\n${contentHash(body)} ${body.byteLength}\n`),
        body,
      ]),
    )
    return manifest
  }

  it('is rolled forward over a target untouched since', async () => {
    const dir = tempDir()
    const target = join(dir, 'b.txt')
    writeFileSync(target, 'old')
    const past = new Date(Date.now() - 60_000)
    utimesSync(target, past, past)
    legacy(dir, target, 'new')
    expect((await recover(dir)).rolledForward).toBe(1)
    expect(readFileSync(target, 'utf8')).toBe('new')
  })

  it('never overwrites a target written after its manifest', async () => {
    const dir = tempDir()
    const target = join(dir, 'b.txt')
    writeFileSync(target, 'old')
    const manifest = legacy(dir, target, 'stale transaction content')
    const past = new Date(Date.now() - 60_000)
    utimesSync(manifest, past, past)
    await writeFile(target, 'the user wrote this later')
    const report = await recover(dir)
    expect(report.conflicts.map((c) => [c.path, c.reason])).toEqual([[target, 'written-again']])
    expect(readFileSync(target, 'utf8')).toBe('the user wrote this later')
    expect(readdirSync(join(dir, '.durable-write', 'conflicts'))).toHaveLength(1)
    reportFigure('I7 stale roll-forwards refused (files written again kept)', 1, 'format-1 manifest')
  })
})

describe('a transaction reached through a symlinked directory', () => {
  it('commits, and recovers from the link or the real directory', async () => {
    const base = tempDir()
    const realDir = join(base, 'real')
    mkdirSync(join(realDir, 'sub'), { recursive: true })
    const link = join(base, 'link')
    symlinkSync(realDir, link)
    const files = [join(link, 'a.txt'), join(link, 'sub', 'b.txt')]
    for (const f of files) writeFileSync(f, 'old')
    await writeTransaction((tx) => {
      for (const f of files) tx.writeFile(f, 'one')
    })
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe('one')
    const fs = renamesFailFrom(2)
    const err = await errorOf(() =>
      writeTransaction(
        (tx) => {
          for (const f of files) tx.writeFile(f, 'two')
        },
        { fs, concurrency: 1 },
      ),
    )
    expect(err.code).toBe('ERR_TXN_INCOMPLETE')
    expect((await recover(join(link, 'sub'))).rolledForward).toBe(1)
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe('two')
    expect(tempFilesIn(realDir)).toEqual([])
  })
})
