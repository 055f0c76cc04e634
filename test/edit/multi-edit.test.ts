import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { existsSync, writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EditError } from '../../src/edit/edit-error.js'
import { ConflictError, DurableWriteError } from '../../src/errors.js'
import { versionOf } from '../../src/version.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

function fileWith(content: string | Buffer, name = 'file.txt'): { dir: string; file: string } {
  const dir = tempDir()
  const file = join(dir, name)
  fsWriteFileSync(file, content)
  return { dir, file }
}

describe.each(apis)('$name: applying edits', (api) => {
  it('matches every edit against the file as read and makes them all', async () => {
    const { file } = fileWith('alpha\nbeta\ngamma\n')
    const result = await api.edit(file, [
      { oldString: 'beta\n', newString: '' },
      { oldString: 'alpha', newString: 'ALPHA' },
      { oldString: 'gamma', newString: 'delta' },
    ])
    expect(readFileSync(file, 'utf8')).toBe('ALPHA\ndelta\n')
    expect(result.changed).toBe(true)
    expect(result.path).toBe(file)
    expect(result.version).toBe(versionOf('ALPHA\ndelta\n'))
    expect(result.bytesWritten).toBe(Buffer.byteLength('ALPHA\ndelta\n'))
  })

  it('reports for each edit how many occurrences it replaced and on which lines', async () => {
    const { file } = fileWith('a x\nb\nc x\nd x\n')
    const result = await api.edit(file, [
      { oldString: 'b', newString: 'B\nB2' },
      { oldString: 'x', newString: 'y', replaceAll: true },
    ])
    expect(result.applied).toEqual([
      { index: 0, count: 1, lines: [2] },
      // Lines in the file as read, although edit 0 adds a line above the last two.
      { index: 1, count: 3, lines: [1, 3, 4] },
    ])
    expect(readFileSync(file, 'utf8')).toBe('a y\nB\nB2\nc y\nd y\n')
  })

  it('replaces exactly expectedCount occurrences', async () => {
    const { file } = fileWith('x1 x2 x3')
    const result = await api.edit(file, [{ oldString: 'x', newString: 'z', expectedCount: 3 }])
    expect(readFileSync(file, 'utf8')).toBe('z1 z2 z3')
    expect(result.applied[0]).toEqual({ index: 0, count: 3, lines: [1, 1, 1] })
  })

  it('returns a unified diff of the change with 3 lines of context', async () => {
    const { file } = fileWith('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n')
    const result = await api.edit(file, [{ oldString: '5\n', newString: 'five\n' }])
    expect(result.diff).toBe(
      [
        '--- a/file.txt',
        '+++ b/file.txt',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        '',
      ].join('\n'),
    )
  })

  it('makes a 10-edit call cost exactly 1 read, 1 write, 1 fsync, 1 directory fsync and 1 rename', async () => {
    const { file } = fileWith(Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n'))
    const edits = Array.from({ length: 10 }, (_, i) => ({ oldString: `line ${i}`, newString: `LINE ${i}` }))
    const result = await api.edit(file, edits)
    expect(result.ops).toEqual({
      reads: 1,
      writes: 1,
      fsyncs: 1,
      dirFsyncs: 1,
      renames: 1,
      unlinks: 0,
      mkdirs: 0,
      locks: 0,
    })
    expect(readFileSync(file, 'utf8')).toBe(Array.from({ length: 10 }, (_, i) => `LINE ${i}`).join('\n'))
  })

  it('in a dry run computes the result and the diff but writes nothing, with only the read in ops', async () => {
    const { dir, file } = fileWith('hello world\n')
    const before = snapshot(dir)
    const result = await api.edit(file, [{ oldString: 'world', newString: 'there' }], { dryRun: true })
    expect(snapshot(dir)).toEqual(before)
    expect(result.changed).toBe(false)
    expect(result.bytesWritten).toBe(0)
    expect(result.version).toBe(versionOf('hello world\n'))
    expect(result.applied).toEqual([{ index: 0, count: 1, lines: [1] }])
    expect(result.diff).toContain('-hello world\n+hello there\n')
    expect(result.ops).toMatchObject({ reads: 1, writes: 0, fsyncs: 0, dirFsyncs: 0, renames: 0 })
  })

  it('in a dry run still reports the errors the real call would', async () => {
    const { dir, file } = fileWith('one\n')
    const before = snapshot(dir)
    const err = await failureOf(api, () =>
      api.call(file, [{ oldString: 'two', newString: '2' }], { dryRun: true }),
    )
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    const rejected = await failureOf(api, () =>
      api.call(file, [{ oldString: 'one', newString: '1' }], {
        dryRun: true,
        validate: () => {
          throw new Error('no digits allowed.')
        },
      }),
    )
    expect(rejected.code).toBe('ERR_VALIDATION')
    expect(snapshot(dir)).toEqual(before)
  })

  it('passes the new bytes to validate and writes nothing when it throws', async () => {
    const { dir, file } = fileWith('a\n')
    const before = snapshot(dir)
    let seen = ''
    const err = await failureOf(api, () =>
      api.call(file, [{ oldString: 'a', newString: 'b' }], {
        validate: (bytes: Uint8Array) => {
          seen = Buffer.from(bytes).toString()
          throw new Error('rejected.')
        },
      }),
    )
    expect(seen).toBe('b\n')
    expect(err.code).toBe('ERR_VALIDATION')
    expect(snapshot(dir)).toEqual(before)
  })

  it('publishes its result on the durable-write:edit channel', async () => {
    const { file } = fileWith('a')
    const seen: unknown[] = []
    const listener = (message: unknown) => seen.push(message)
    subscribe('durable-write:edit', listener)
    try {
      const result = await api.edit(file, [{ oldString: 'a', newString: 'b' }])
      expect(seen).toEqual([result])
    } finally {
      unsubscribe('durable-write:edit', listener)
    }
  })

  it('keeps the file mode', async () => {
    const { file } = fileWith('secret=1\n')
    const { chmodSync, statSync } = await import('node:fs')
    chmodSync(file, 0o640)
    await api.edit(file, [{ oldString: '1', newString: '2' }])
    expect(statSync(file).mode & 0o777).toBe(0o640)
  })
})

describe.each(apis)('$name: creating a file', (api) => {
  it('creates a missing file from an empty oldString in the first edit', async () => {
    const dir = tempDir()
    const file = join(dir, 'new.txt')
    const result = await api.edit(file, [{ oldString: '', newString: 'first\nsecond\n' }])
    expect(readFileSync(file, 'utf8')).toBe('first\nsecond\n')
    expect(result.applied).toEqual([{ index: 0, count: 1, lines: [1] }])
    expect(result.diff).toBe('--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+first\n+second\n')
  })

  it('fills an existing empty file', async () => {
    const { file } = fileWith('')
    await api.edit(file, [{ oldString: '', newString: 'content' }])
    expect(readFileSync(file, 'utf8')).toBe('content')
  })

  it('keeps the CRLF endings of a created file', async () => {
    const file = join(tempDir(), 'win.txt')
    await api.edit(file, [{ oldString: '', newString: 'a\r\nb\r\n' }])
    expect(readFileSync(file, 'utf8')).toBe('a\r\nb\r\n')
  })

  it('fails with ERR_CONFLICT when the file exists and is not empty', async () => {
    const { dir, file } = fileWith('already here')
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, [{ oldString: '', newString: 'x' }]))
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.message).toContain(file)
    expect(err.message).toContain('edits[0]')
    expect(err.actual).toBe(versionOf('already here'))
    expect(snapshot(dir)).toEqual(before)
  })

  it('fails with ENOENT when the file is missing and the first edit does not create it', async () => {
    const dir = tempDir()
    const file = join(dir, 'missing.txt')
    const err = await failureOf(api, () => api.call(file, [{ oldString: 'a', newString: 'b' }]))
    expect(err.code).toBe('ENOENT')
    expect(existsSync(file)).toBe(false)
  })
})

describe.each(apis)('$name: errors leave the file unchanged', (api) => {
  const content = 'const a = 1\nconst b = 2\nconst a2 = 1\n'

  async function failing(edits: unknown, options?: unknown) {
    const { dir, file } = fileWith(content)
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, edits, options))
    expect(snapshot(dir)).toEqual(before)
    expect(err.path).toBe(file)
    expect(err.message).toContain(file)
    expect(err.message).toContain('left unchanged')
    return err
  }

  it('ERR_EDIT_NOT_FOUND names the edit', async () => {
    const err = await failing([
      { oldString: 'const b = 2', newString: 'const b = 3' },
      { oldString: 'const zzz', newString: 'x' },
    ])
    expect(err).toBeInstanceOf(EditError)
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    expect(err.editIndex).toBe(1)
    expect(err.message).toContain('edits[1]')
  })

  it('ERR_EDIT_AMBIGUOUS lists the count and the lines', async () => {
    const err = await failing([{ oldString: '= 1', newString: '= 9' }])
    expect(err.code).toBe('ERR_EDIT_AMBIGUOUS')
    expect(err.editIndex).toBe(0)
    expect(err.matches).toEqual({ count: 2, lines: [1, 3] })
    expect(err.message).toContain('replaceAll')
  })

  it('ERR_EDIT_COUNT_MISMATCH gives the expected and the actual count', async () => {
    const err = await failing([{ oldString: 'const', newString: 'let', expectedCount: 2 }])
    expect(err.code).toBe('ERR_EDIT_COUNT_MISMATCH')
    expect(err.expectedCount).toBe(2)
    expect(err.matches).toEqual({ count: 3, lines: [1, 2, 3] })
  })

  it('ERR_EDIT_NO_OP when oldString equals newString', async () => {
    const err = await failing([{ oldString: 'const b = 2', newString: 'const b = 2' }])
    expect(err.code).toBe('ERR_EDIT_NO_OP')
    expect(err.editIndex).toBe(0)
  })

  it('ERR_EDIT_NO_OP when the strings differ only in line endings', async () => {
    const err = await failing([{ oldString: 'a\r\nb', newString: 'a\nb' }])
    expect(err.code).toBe('ERR_EDIT_NO_OP')
    expect(err.message).toContain('eol')
  })

  it('ERR_EDIT_OVERLAP when an edit matches only text inserted by an earlier one', async () => {
    const err = await failing([
      { oldString: 'const b = 2', newString: 'const b = 2 // two' },
      { oldString: '// two', newString: '// 2' },
    ])
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    expect(err.editIndex).toBe(1)
    expect(err.matches).toEqual({ count: 1, lines: [2] })
    expect(err.message).toContain('edits[0]')
  })

  it('ERR_EDIT_OVERLAP when a match straddles text inserted by an earlier edit', async () => {
    const err = await failing([
      { oldString: 'const b = 2', newString: 'const b = 22' },
      { oldString: 'b = 22', newString: 'b = 3' },
    ])
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
  })

  it('an edit may match text right next to what an earlier edit matched', async () => {
    const { file } = fileWith(content)
    await api.edit(file, [
      { oldString: 'const b = 2', newString: 'const b = 22' },
      { oldString: '\nconst a2', newString: '\nlet a2' },
    ])
    expect(readFileSync(file, 'utf8')).toBe('const a = 1\nconst b = 22\nlet a2 = 1\n')
  })

  it('ERR_EDIT_OVERLAP when an edit matches part of what an earlier one matched, naming both', async () => {
    const err = await failing([
      { oldString: 'const b = 2', newString: 'const b = 22' },
      { oldString: 'const b', newString: 'let b' },
    ])
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    expect(err.editIndex).toBe(1)
    expect((err as { otherIndex?: number }).otherIndex).toBe(0)
    expect(err.matches).toEqual({ count: 1, lines: [2] })
    expect(err.hint).toContain('merge edits[1] into edits[0]')
  })

  it('does not count occurrences that only earlier edits insert', async () => {
    const { file } = fileWith(content)
    await api.edit(file, [
      { oldString: 'const b = 2', newString: 'const b = 2 // was a = 1' },
      { oldString: 'a = 1', newString: 'a = 5' },
    ])
    expect(readFileSync(file, 'utf8')).toBe('const a = 5\nconst b = 2 // was a = 1\nconst a2 = 1\n')
  })

  it('ERR_CONFLICT when ifMatch does not match the bytes read', async () => {
    const err = await failing([{ oldString: 'const b = 2', newString: 'const b = 3' }], {
      ifMatch: versionOf('something else'),
    })
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.actual).toBe(versionOf(content))
  })

  it('ERR_CONFLICT with ifNoneMatch when the file exists', async () => {
    const err = await failing([{ oldString: 'const b = 2', newString: 'const b = 3' }], { ifNoneMatch: '*' })
    expect(err.code).toBe('ERR_CONFLICT')
  })

  it('a later failing edit discards the earlier ones', async () => {
    const err = await failing([
      { oldString: 'const a = 1', newString: 'const a = 100' },
      { oldString: 'const b = 2', newString: 'const b = 200' },
      { oldString: 'nope', newString: 'x' },
    ])
    expect(err.editIndex).toBe(2)
  })
})

describe.each(apis)('$name: ifMatch', (api) => {
  it('edits when the version from readVersioned still matches, re-checking it before the commit', async () => {
    const { file } = fileWith('v1\n')
    const result = await api.edit(file, [{ oldString: 'v1', newString: 'v2' }], {
      ifMatch: versionOf('v1\n'),
    })
    expect(readFileSync(file, 'utf8')).toBe('v2\n')
    // One read for the edit, one by the write to re-check the version right before the rename.
    expect(result.ops.reads).toBe(2)
  })

  it('fails when a file to create does not exist but ifMatch names a version', async () => {
    const file = join(tempDir(), 'none.txt')
    const err = await failureOf(api, () =>
      api.call(file, [{ oldString: '', newString: 'x' }], { ifMatch: versionOf('x') }),
    )
    expect(err.code).toBe('ERR_CONFLICT')
    expect(existsSync(file)).toBe(false)
  })
})
