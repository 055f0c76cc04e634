import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { versionOf } from '../../src/version.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { ensureBuiltEntries, jsonOf, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

describe('durable-write write', () => {
  it('replaces the file with standard input and reports what it wrote', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.txt'), 'old content')
    const r = await runCli(['write', 'a.txt'], { cwd: dir, input: 'new content\n' })
    expect(r.code).toBe(0)
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('new content\n')
    expect(r.stdout).toBe(`Wrote 12 bytes to ${join(dir, 'a.txt')} (durable).\n`)
    expect(r.stderr).toBe('')
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('--json prints the WriteStats of a durable write', async () => {
    const dir = tempDir()
    const r = await runCli(['write', 'sub/b.json', '--json'], { cwd: dir, input: '{"a":1}' })
    expect(r.code).toBe(0)
    const stats = jsonOf(r)
    expect(stats).toMatchObject({
      path: join(dir, 'sub', 'b.json'),
      changed: true,
      bytesWritten: 7,
      version: versionOf('{"a":1}'),
      durability: 'durable',
    })
    const ops = stats.ops as Record<string, number>
    expect(ops.fsyncs).toBeGreaterThanOrEqual(1)
    expect(ops.dirFsyncs).toBeGreaterThanOrEqual(1)
    expect(ops.mkdirs).toBe(1)
  })

  it('empty standard input makes an empty file', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'e.txt'), 'something')
    const r = await runCli(['write', 'e.txt', '--json'], { cwd: dir, input: '' })
    expect(r.code).toBe(0)
    expect(statSync(join(dir, 'e.txt')).size).toBe(0)
    expect(jsonOf(r).bytesWritten).toBe(0)
  })

  it('writes 20 MiB of binary standard input byte for byte', async () => {
    const dir = tempDir()
    const big = Buffer.alloc(20 * 1024 * 1024)
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i)
    big[big.length - 1] = 0xff
    const r = await runCli(['write', 'big.bin', '--json'], { cwd: dir, input: big })
    expect(r.code).toBe(0)
    expect(jsonOf(r).bytesWritten).toBe(big.length)
    expect(jsonOf(r).version).toBe(versionOf(big))
    expect(readFileSync(join(dir, 'big.bin')).equals(big)).toBe(true)
  })

  it('--mode sets the file mode (octal) and otherwise the existing mode is kept', async () => {
    const dir = tempDir()
    const file = join(dir, 'm.txt')
    expect((await runCli(['write', 'm.txt', '--mode', '0640'], { cwd: dir, input: 'x' })).code).toBe(0)
    expect(statSync(file).mode & 0o7777).toBe(0o640)
    chmodSync(file, 0o604)
    expect((await runCli(['write', 'm.txt'], { cwd: dir, input: 'y' })).code).toBe(0)
    expect(statSync(file).mode & 0o7777).toBe(0o604)
  })

  it('--mode that is not octal is a usage error and writes nothing', async () => {
    const dir = tempDir()
    const r = await runCli(['write', 'm.txt', '--mode', '0999'], { cwd: dir, input: 'x' })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      "durable-write: --mode must be an octal file mode such as 0644, got '0999'. Run 'durable-write write --help' for usage.\n",
    )
    expect(snapshot(dir)).toEqual({})
  })

  it('--fast writes without fsyncs', async () => {
    const dir = tempDir()
    const r = await runCli(['write', 'f.txt', '--fast', '--json'], { cwd: dir, input: 'fast' })
    expect(r.code).toBe(0)
    const stats = jsonOf(r)
    expect(stats.durability).toBe('fast')
    expect((stats.ops as Record<string, number>).fsyncs).toBe(0)
    expect((stats.ops as Record<string, number>).dirFsyncs).toBe(0)
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('fast')
  })

  it('--if-match with the current version writes', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'c.txt'), 'v1')
    const r = await runCli(['write', 'c.txt', '--if-match', versionOf('v1')], { cwd: dir, input: 'v2' })
    expect(r.code).toBe(0)
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('v2')
  })

  it('--if-match with a stale version exits 1 with ERR_CONFLICT and leaves the file alone', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'c.txt'), 'changed by someone else')
    const before = snapshot(dir)
    const r = await runCli(['write', 'c.txt', '--if-match', versionOf('v1')], { cwd: dir, input: 'v2' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^durable-write: .*\(ERR_CONFLICT\)\n$/)
    expect(r.stdout).toBe('')
    expect(snapshot(dir)).toEqual(before)
  })

  it('--json reports a failure as an error object on stdout', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'c.txt'), 'now')
    const r = await runCli(['write', 'c.txt', '--json', '--if-match', versionOf('then')], {
      cwd: dir,
      input: 'x',
    })
    expect(r.code).toBe(1)
    const { error } = jsonOf(r) as { error: Record<string, unknown> }
    expect(error).toMatchObject({
      code: 'ERR_CONFLICT',
      path: join(dir, 'c.txt'),
      expected: versionOf('then'),
      actual: versionOf('now'),
    })
    expect(error.message).toEqual(expect.any(String))
  })

  it('a system error exits 1 with its code on one line', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'file'), 'not a directory')
    const r = await runCli(['write', 'file/child.txt'], { cwd: dir, input: 'x' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^durable-write: ENOTDIR: [^\n]*\n$/)
  })
})
