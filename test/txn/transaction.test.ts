import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import {
  existsSync,
  mkdirSync,
  writeFileSync as nodeWriteFileSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  AtomicWriter,
  ConflictError,
  type Transaction,
  versionOf,
  writeFileSync,
  writeTransaction,
} from '../../src/index.js'
import { errorOf } from '../core/write-api.js'
import { openFdCount, snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/** True when the journal directory beside the targets holds no manifest. */
function manifestsIn(dir: string): string[] {
  const journal = join(dir, '.durable-write')
  return existsSync(journal) ? readdirSync(journal).filter((n) => n.endsWith('.manifest')) : []
}

describe('writeTransaction stages changes with every Transaction method', () => {
  it('writes writeFile, writeJson, writeMd and edit results and removes removed files, together', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    const b = join(dir, 'b.json')
    const c = join(dir, 'c.md')
    const d = join(dir, 'd.txt')
    const gone = join(dir, 'gone.txt')
    nodeWriteFileSync(d, 'const port = 80\nconst host = "x"\n')
    nodeWriteFileSync(gone, 'remove me')
    const stats = await writeTransaction(async (tx) => {
      tx.writeFile(a, 'A')
      tx.writeJson(b, { z: 1, list: [1, 2] })
      tx.writeMd(c, '# Title\n\ntext\n')
      await tx.edit(d, [{ oldString: 'port = 80', newString: 'port = 8080' }])
      tx.remove(gone)
      return 'done'
    })
    expect(stats.result).toBe('done')
    expect(read(a)).toBe('A')
    expect(JSON.parse(read(b)!)).toEqual({ z: 1, list: [1, 2] })
    expect(read(b)).toBe('{\n  "z": 1,\n  "list": [\n    1,\n    2\n  ]\n}\n')
    expect(read(c)).toBe('# Title\n\ntext\n')
    expect(read(d)).toBe('const port = 8080\nconst host = "x"\n')
    expect(existsSync(gone)).toBe(false)
    expect(stats.removed).toEqual([gone])
    expect(stats.files.map((f) => f.path).sort()).toEqual([a, b, c, d].sort())
    expect(tempFilesIn(dir)).toEqual([])
    expect(manifestsIn(dir)).toEqual([])
  })

  it('accepts every Data form in tx.writeFile: Buffer, iterable and stream', async () => {
    const dir = tempDir()
    await writeTransaction((tx) => {
      tx.writeFile(join(dir, 'buf'), Buffer.from([0, 1, 2, 255]))
      tx.writeFile(join(dir, 'iter'), ['a', Buffer.from('b'), 'c'])
      tx.writeFile(join(dir, 'stream'), Readable.from(['x', 'y', 'z']))
    })
    expect([...readFileSync(join(dir, 'buf'))]).toEqual([0, 1, 2, 255])
    expect(read(join(dir, 'iter'))).toBe('abc')
    expect(read(join(dir, 'stream'))).toBe('xyz')
  })

  it('applies writeJson options and throws ERR_SERIALIZE from writeJson itself, writing nothing', async () => {
    const dir = tempDir()
    const f = join(dir, 'f.json')
    await writeTransaction((tx) => tx.writeJson(f, { b: 1, a: 2 }, { stable: true, space: 0 }))
    expect(read(f)).toBe('{"a":2,"b":1}\n')

    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const before = snapshot(dir)
    const err = await errorOf(() =>
      writeTransaction((tx) => {
        tx.writeFile(join(dir, 'other.txt'), 'x')
        tx.writeJson(f, cyclic)
      }),
    )
    expect(err.code).toBe('ERR_SERIALIZE')
    expect(snapshot(dir)).toEqual(before)
  })

  it('keeps the line endings of a staged version in writeMd', async () => {
    const dir = tempDir()
    const f = join(dir, 'notes.md')
    await writeTransaction((tx) => {
      tx.writeFile(f, 'one\r\ntwo\r\n')
      tx.writeMd(f, 'three\nfour\n')
    })
    expect(read(f)).toBe('three\r\nfour\r\n')
  })

  it('keeps the line endings and BOM of the file on disk in writeMd', async () => {
    const dir = tempDir()
    const f = join(dir, 'notes.md')
    nodeWriteFileSync(f, '\uFEFFone\r\ntwo\r\n')
    await writeTransaction((tx) => tx.writeMd(f, 'three\nfour\n'))
    expect(read(f)).toBe('\uFEFFthree\r\nfour\r\n')
  })

  it('formats writeMd against the disk file also through a second writeMd and a tx.read', async () => {
    const dir = tempDir()
    const f = join(dir, 'notes.md')
    nodeWriteFileSync(f, 'one\r\ntwo')
    let seen: unknown
    await writeTransaction(async (tx) => {
      tx.writeMd(f, 'first\nx\n')
      tx.writeMd(f, 'second\nline\n')
      seen = await tx.read(f, { encoding: 'utf8' })
    })
    // CRLF and "no final newline" come from the file on disk, through the first writeMd.
    expect(seen).toBe('second\r\nline')
    expect(read(f)).toBe('second\r\nline')
  })

  it('formats writeMd against a staged stream', async () => {
    const dir = tempDir()
    const f = join(dir, 'notes.md')
    await writeTransaction((tx) => {
      tx.writeFile(f, Readable.from(['a\r\n', 'b\r\n']))
      tx.writeMd(f, 'c\nd\n')
    })
    expect(read(f)).toBe('c\r\nd\r\n')
  })

  it('edits the staged content, not the disk, when the file was written earlier in the transaction', async () => {
    const dir = tempDir()
    const f = join(dir, 'f.txt')
    nodeWriteFileSync(f, 'on disk')
    await writeTransaction(async (tx) => {
      tx.writeFile(f, 'staged alpha')
      await tx.edit(f, [{ oldString: 'alpha', newString: 'beta' }])
    })
    expect(read(f)).toBe('staged beta')
  })

  it('fails tx.edit with the edit error when the text is not found, and the transaction writes nothing', async () => {
    const dir = tempDir()
    const f = join(dir, 'f.txt')
    nodeWriteFileSync(f, 'hello')
    const before = snapshot(dir)
    const err = await errorOf(() =>
      writeTransaction(async (tx) => {
        tx.writeFile(join(dir, 'g.txt'), 'g')
        await tx.edit(f, [{ oldString: 'absent', newString: 'x' }])
      }),
    )
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    expect(snapshot(dir)).toEqual(before)
  })
})

describe('tx.read', () => {
  it('sees staged content, staged removals as undefined, and the disk otherwise', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    const b = join(dir, 'b.txt')
    const missing = join(dir, 'missing.txt')
    nodeWriteFileSync(a, 'disk a')
    nodeWriteFileSync(b, 'disk b')
    const seen: unknown[] = []
    await writeTransaction(async (tx) => {
      seen.push(await tx.read(a, { encoding: 'utf8' }))
      tx.writeFile(a, 'staged a')
      seen.push(await tx.read(a, { encoding: 'utf8' }))
      tx.remove(b)
      seen.push(await tx.read(b, { encoding: 'utf8' }))
      seen.push(await tx.read(missing))
      tx.writeFile(missing, Readable.from(['from ', 'stream']))
      seen.push(await tx.read(missing, { encoding: 'utf8' }))
      const buf = await tx.read(a)
      seen.push(Buffer.isBuffer(buf) ? buf.toString('hex') : 'not a buffer')
    })
    expect(seen).toEqual([
      'disk a',
      'staged a',
      undefined,
      undefined,
      'from stream',
      Buffer.from('staged a').toString('hex'),
    ])
    // The stream was read once, for tx.read, and that content was committed.
    expect(read(missing)).toBe('from stream')
    expect(read(a)).toBe('staged a')
    expect(existsSync(b)).toBe(false)
  })

  it('rejects an unknown encoding with ERR_INVALID_ARG_VALUE', async () => {
    const dir = tempDir()
    const err = await errorOf(() =>
      writeTransaction((tx) => tx.read(join(dir, 'x'), { encoding: 'nope' as BufferEncoding })),
    )
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
  })
})

describe('a callback that throws', () => {
  it('rethrows the same error object and writes nothing: no file, no temp, no manifest', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'old a')
    const before = snapshot(dir)
    const fds = openFdCount()
    const boom = new Error('boom')
    const err = await errorOf(() =>
      writeTransaction(async (tx) => {
        tx.writeFile(a, 'new a')
        tx.writeFile(join(dir, 'b.txt'), 'new b')
        tx.remove(a)
        throw boom
      }),
    )
    expect(err).toBe(boom)
    expect(snapshot(dir)).toEqual(before)
    expect(openFdCount()).toBe(fds)
  })

  it('rethrows a thrown non-Error value unchanged', async () => {
    const dir = tempDir()
    const value = { reason: 'not an error' }
    const err = await errorOf(() =>
      writeTransaction((tx) => {
        tx.writeFile(join(dir, 'a.txt'), 'a')
        throw value
      }),
    )
    expect(err).toBe(value)
    expect(readdirSync(dir)).toEqual([])
  })

  it('rejects (never throws synchronously) when fn is not a function', async () => {
    const result = (writeTransaction as (fn: unknown) => Promise<unknown>)('nope')
    expect(result).toBeInstanceOf(Promise)
    const err = await errorOf(() => result)
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE')
  })
})

describe('preconditions', () => {
  it('aborts the whole transaction on one ifMatch conflict before the commit point', async () => {
    const dir = tempDir()
    const files = ['a', 'b', 'c'].map((n) => join(dir, `${n}.txt`))
    for (const f of files) nodeWriteFileSync(f, `old ${f}`)
    const before = snapshot(dir)
    const err = await errorOf(() =>
      writeTransaction((tx) => {
        tx.writeFile(files[0]!, 'new a', { ifMatch: versionOf(`old ${files[0]}`) })
        tx.writeFile(files[1]!, 'new b', { ifMatch: versionOf('something else') })
        tx.writeFile(files[2]!, 'new c')
        tx.remove(join(dir, 'a.txt.bak'))
      }),
    )
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.path).toBe(files[1])
    expect(err.actual).toBe(versionOf(`old ${files[1]}`))
    const after = snapshot(dir)
    // The journal directory may have been created; nothing else changed.
    for (const key of Object.keys(after)) if (key.startsWith('.durable-write')) delete after[key]
    expect(after).toEqual(before)
    expect(manifestsIn(dir)).toEqual([])
  })

  it('commits when every ifMatch holds, and ifNoneMatch "*" conflicts on an existing file', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'v1')
    await writeTransaction((tx) => tx.writeFile(a, 'v2', { ifMatch: versionOf('v1') }))
    expect(read(a)).toBe('v2')
    const err = await errorOf(() =>
      writeTransaction((tx) => {
        tx.writeFile(join(dir, 'new.txt'), 'fresh', { ifNoneMatch: '*' })
        tx.writeFile(a, 'v3', { ifNoneMatch: '*' })
      }),
    )
    expect(err.code).toBe('ERR_CONFLICT')
    expect(read(a)).toBe('v2')
    expect(existsSync(join(dir, 'new.txt'))).toBe(false)
  })

  it('fails with ERR_VALIDATION when validate rejects one file, writing none', async () => {
    const dir = tempDir()
    const before = snapshot(dir)
    const err = await errorOf(() =>
      writeTransaction((tx) => {
        tx.writeFile(join(dir, 'ok.txt'), 'fine')
        tx.writeFile(join(dir, 'bad.txt'), 'bad', {
          validate: () => {
            throw new Error('bad content')
          },
        })
      }),
    )
    expect(err.code).toBe('ERR_VALIDATION')
    expect(tempFilesIn(dir)).toEqual([])
    const after = snapshot(dir)
    for (const key of Object.keys(after)) if (key.startsWith('.durable-write')) delete after[key]
    expect(after).toEqual(before)
  })
})

describe('several changes to one path', () => {
  it('lets the last one win: remove then write writes', async () => {
    const dir = tempDir()
    const f = join(dir, 'f.txt')
    nodeWriteFileSync(f, 'old')
    const stats = await writeTransaction((tx) => {
      tx.remove(f)
      tx.writeFile(f, 'rewritten')
    })
    expect(read(f)).toBe('rewritten')
    expect(stats.removed).toEqual([])
    expect(stats.files.map((s) => s.path)).toEqual([f])
  })

  it('lets the last one win: write then remove removes', async () => {
    const dir = tempDir()
    const f = join(dir, 'f.txt')
    nodeWriteFileSync(f, 'old')
    const stats = await writeTransaction((tx) => {
      tx.writeFile(f, 'short-lived')
      tx.remove(f)
    })
    expect(existsSync(f)).toBe(false)
    expect(stats.removed).toEqual([f])
    expect(stats.files).toEqual([])
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('treats the removal of a missing file as nothing to do', async () => {
    const dir = tempDir()
    const stats = await writeTransaction((tx) => tx.remove(join(dir, 'never.txt')))
    expect(stats.removed).toEqual([])
    expect(readdirSync(dir).filter((n) => n !== '.durable-write' && n !== '.durable-write.lock')).toEqual([])
  })
})

describe('a transaction across directories', () => {
  it('writes files in three directories (one new) with one journal in their deepest common parent', async () => {
    const root = tempDir()
    mkdirSync(join(root, 'x', 'one'), { recursive: true })
    mkdirSync(join(root, 'x', 'two'), { recursive: true })
    const paths = [
      join(root, 'x', 'one', 'a.txt'),
      join(root, 'x', 'two', 'b.txt'),
      join(root, 'x', 'three', 'c.txt'),
    ]
    nodeWriteFileSync(paths[0]!, 'old a')
    const stats = await writeTransaction((tx) => {
      for (const [i, p] of paths.entries()) tx.writeFile(p, `new ${i}`)
    })
    expect(paths.map(read)).toEqual(['new 0', 'new 1', 'new 2'])
    expect(stats.files).toHaveLength(3)
    expect(existsSync(join(root, 'x', '.durable-write'))).toBe(true)
    expect(existsSync(join(root, '.durable-write'))).toBe(false)
    expect(manifestsIn(join(root, 'x'))).toEqual([])
    expect(tempFilesIn(root)).toEqual([])
  })

  it('journals in options.journalDir when given', async () => {
    const root = tempDir()
    const journalDir = join(root, 'journal')
    const f = join(root, 'data', 'f.txt')
    const stats = await writeTransaction((tx) => tx.writeFile(f, 'x'), { journalDir })
    expect(read(f)).toBe('x')
    expect(existsSync(join(root, 'data', '.durable-write'))).toBe(false)
    expect(stats.recovered).toEqual({ rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
  })
})

describe('per-file options', () => {
  it('applies mode per file, over the transaction defaults', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.sh')
    const b = join(dir, 'b.txt')
    const c = join(dir, 'c.txt')
    await writeTransaction(
      (tx) => {
        tx.writeFile(a, '#!/bin/sh\n', { mode: 0o755 })
        tx.writeFile(b, 'b', { mode: 0o600 })
        tx.writeFile(c, 'c')
      },
      { mode: 0o640 },
    )
    expect(statSync(a).mode & 0o777).toBe(0o755)
    expect(statSync(b).mode & 0o777).toBe(0o600)
    expect(statSync(c).mode & 0o777).toBe(0o640)
  })

  it('skips unchanged files with skipUnchanged (changed: false, no bytes written)', async () => {
    const dir = tempDir()
    const same = join(dir, 'same.txt')
    const other = join(dir, 'other.txt')
    nodeWriteFileSync(same, 'same')
    const ino = statSync(same).ino
    const stats = await writeTransaction(
      (tx) => {
        tx.writeFile(same, 'same')
        tx.writeFile(other, 'other')
      },
      { skipUnchanged: true },
    )
    const bySame = stats.files.find((f) => f.path === same)!
    expect(bySame.changed).toBe(false)
    expect(bySame.bytesWritten).toBe(0)
    expect(statSync(same).ino).toBe(ino)
    expect(stats.bytesWritten).toBe(5)
  })

  it('uses the defaults of an AtomicWriter', async () => {
    const dir = tempDir()
    const writer = new AtomicWriter({ mode: 0o600, durability: 'fast' })
    const stats = await writer.writeTransaction((tx) => tx.writeFile(join(dir, 'f'), 'x'))
    expect(statSync(join(dir, 'f')).mode & 0o777).toBe(0o600)
    expect(stats.files[0]!.durability).toBe('fast')
    expect(stats.ops.fsyncs + stats.ops.dirFsyncs).toBe(0)
  })
})

describe('abort and empty transactions', () => {
  it('fails with ABORT_ERR and writes nothing when the signal is aborted before the call', async () => {
    const dir = tempDir()
    let called = false
    const err = await errorOf(() =>
      writeTransaction(
        (tx) => {
          called = true
          tx.writeFile(join(dir, 'a'), 'a')
        },
        { signal: AbortSignal.abort() },
      ),
    )
    expect(err.code).toBe('ABORT_ERR')
    expect(called).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('fails with ABORT_ERR and writes nothing when the signal is aborted inside fn', async () => {
    const dir = tempDir()
    const a = join(dir, 'a')
    nodeWriteFileSync(a, 'old')
    const controller = new AbortController()
    const before = snapshot(dir)
    const err = await errorOf(() =>
      writeTransaction(
        (tx) => {
          tx.writeFile(a, 'new')
          tx.writeFile(join(dir, 'b'), 'b')
          controller.abort()
        },
        { signal: controller.signal },
      ),
    )
    expect(err.code).toBe('ABORT_ERR')
    expect(snapshot(dir)).toEqual(before)
  })

  it('returns empty stats and touches nothing for a transaction with no changes', async () => {
    const dir = tempDir()
    const stats = await writeTransaction(() => 42)
    expect(stats.result).toBe(42)
    expect(stats.files).toEqual([])
    expect(stats.removed).toEqual([])
    expect(stats.bytesWritten).toBe(0)
    expect(stats.ops.fsyncs + stats.ops.dirFsyncs + stats.ops.writes).toBe(0)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('TxStats', () => {
  it('has files, removed, bytesWritten, ops, durationMs and recovered', async () => {
    const dir = tempDir()
    const gone = join(dir, 'gone.txt')
    nodeWriteFileSync(gone, 'x')
    const stats = await writeTransaction(async (tx: Transaction) => {
      tx.writeFile(join(dir, 'a.txt'), 'aaa')
      tx.writeFile(join(dir, 'b.txt'), 'bbbbb')
      tx.remove(gone)
      return { ok: true }
    })
    expect(Object.keys(stats).sort()).toEqual(
      ['bytesWritten', 'durationMs', 'files', 'ops', 'recovered', 'removed', 'result'].sort(),
    )
    expect(stats.result).toEqual({ ok: true })
    expect(stats.bytesWritten).toBe(8)
    expect(stats.removed).toEqual([gone])
    expect(stats.files).toHaveLength(2)
    for (const f of stats.files) {
      expect(f.changed).toBe(true)
      expect(f.durability).toBe('durable')
      expect(f.version).toBe(versionOf(read(f.path)!))
      expect(f.bytesWritten).toBe(read(f.path)!.length)
    }
    expect(Object.keys(stats.ops).sort()).toEqual(
      ['dirFsyncs', 'fsyncs', 'locks', 'mkdirs', 'reads', 'renames', 'unlinks', 'writes'].sort(),
    )
    expect(stats.ops.renames).toBe(2)
    // The removed file and the manifest.
    expect(stats.ops.unlinks).toBe(2)
    expect(stats.ops.locks).toBe(1)
    expect(typeof stats.durationMs).toBe('number')
    expect(stats.durationMs).toBeGreaterThanOrEqual(0)
    expect(stats.recovered).toEqual({ rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
  })

  it('counts each read once, also for a file read by ifMatch', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    nodeWriteFileSync(a, 'v1')
    const stats = await writeTransaction((tx) => tx.writeFile(a, 'v2', { ifMatch: versionOf('v1') }))
    expect(stats.ops.reads).toBe(1)
  })

  it('is what the same writer reports to writeFileSync users: versions match the files', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    const stats = await writeTransaction((tx) => tx.writeFile(a, 'content'))
    expect(stats.files[0]!.version).toBe(writeFileSync(join(dir, 'copy.txt'), 'content').version)
  })
})

describe('concurrent transactions', () => {
  it('commit one after the other: files written together never show two commits apart', async () => {
    const dir = tempDir()
    const a = join(dir, 'a.txt')
    const b = join(dir, 'sub', 'b.txt')
    // Commit order, as published (each transaction publishes once it has committed, in its turn).
    const order: string[] = []
    const listener = (message: unknown) => order.push(readFirst(message as { files: { path: string }[] }))
    const readFirst = (m: { files: { path: string }[] }) => read(m.files[0]!.path)!
    subscribe('durable-write:transaction', listener)
    const samples: [string, string][] = []
    try {
      let settled = false
      const all = Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          writeTransaction((tx) => {
            tx.writeFile(a, `tx ${i}`)
            tx.writeFile(b, `tx ${i}`)
          }),
        ),
      ).finally(() => {
        settled = true
      })
      while (!settled) {
        const [x, y] = [read(a), read(b)]
        if (x !== undefined && y !== undefined) samples.push([x, y])
        await new Promise((r) => setImmediate(r))
      }
      await all
    } finally {
      unsubscribe('durable-write:transaction', listener)
    }
    expect(order).toHaveLength(12)
    expect(new Set(order).size).toBe(12)
    // While one commit renames a and b, a reader may see one of each of two consecutive commits,
    // never files of commits further apart.
    for (const [x, y] of samples) {
      expect(Math.abs(order.indexOf(x) - order.indexOf(y)), `${x} / ${y}`).toBeLessThanOrEqual(1)
    }
    expect(read(a)).toBe(order.at(-1))
    expect(read(b)).toBe(order.at(-1))
    expect(manifestsIn(dir)).toEqual([])
    expect(tempFilesIn(dir)).toEqual([])
  })
})

describe('diagnostics', () => {
  it('publishes the TxStats of each transaction on durable-write:transaction', async () => {
    const dir = tempDir()
    const got: unknown[] = []
    const listener = (message: unknown) => got.push(message)
    subscribe('durable-write:transaction', listener)
    try {
      await writeTransaction((tx) => tx.writeFile(join(dir, 'a'), 'a'))
    } finally {
      unsubscribe('durable-write:transaction', listener)
    }
    expect(got).toHaveLength(1)
    expect((got[0] as { files: { path: string }[] }).files[0]!.path).toBe(join(dir, 'a'))
  })
})
