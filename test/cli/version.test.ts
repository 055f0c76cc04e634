import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { versionOf } from '../../src/version.js'
import { tempDir } from '../helpers/tmp.js'
import { ensureBuiltEntries, jsonOf, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

describe('durable-write version', () => {
  it("prints the version token of the file's bytes", async () => {
    const dir = tempDir()
    const bytes = Buffer.from([0, 1, 2, 255, 10])
    writeFileSync(join(dir, 'bin'), bytes)
    const r = await runCli(['version', 'bin'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${versionOf(bytes)}\n`)
  })

  it('--json prints {version}', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.txt'), 'hello\n')
    const r = await runCli(['version', join(dir, 'a.txt'), '--json'])
    expect(r.code).toBe(0)
    expect(jsonOf(r)).toEqual({ version: versionOf('hello\n') })
  })

  it('its output makes --if-match succeed until the file changes', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.txt'), 'one')
    const version = (await runCli(['version', 'a.txt'], { cwd: dir })).stdout.trim()
    expect((await runCli(['write', 'a.txt', '--if-match', version], { cwd: dir, input: 'two' })).code).toBe(0)
    const stale = await runCli(['write', 'a.txt', '--if-match', version], { cwd: dir, input: 'three' })
    expect(stale.code).toBe(1)
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('two')
  })

  it('a missing file exits 1 with ENOENT on one line', async () => {
    const dir = tempDir()
    const r = await runCli(['version', 'missing.txt'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^durable-write: ENOENT: no such file or directory[^\n]*missing\.txt'\n$/)
    expect(r.stdout).toBe('')
  })
})
