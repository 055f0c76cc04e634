import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { recover } from '../../src/index.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { committedTransaction, leftoverTemp, tornTransaction } from './journal-fixtures.js'
import { ensureBuiltEntries, jsonOf, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

describe('durable-write recover', () => {
  it('removes leftover temp files, nothing else, and prints the report', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.txt'), 'keep')
    writeFileSync(join(dir, '.a.txt.tmp'), 'not ours')
    writeFileSync(join(dir, 'b.dwtmp'), 'not ours either')
    const temp = leftoverTemp(join(dir, 'a.txt'))
    const r = await runCli(['recover', '.'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`Recovered ${dir}: 0 rolled forward, 0 rolled back, 1 temp files removed.\n`)
    expect(existsSync(temp)).toBe(false)
    expect(Object.keys(snapshot(dir)).sort()).toEqual(['.a.txt.tmp', 'a.txt', 'b.dwtmp'])
  })

  it('rolls a committed transaction forward', async () => {
    const dir = tempDir()
    const target = join(dir, 'state.json')
    writeFileSync(target, '{"v": 1}')
    const { temp, manifest } = committedTransaction(dir, target, '{"v": 2}')
    const r = await runCli(['recover', dir, '--json'])
    expect(r.code).toBe(0)
    expect(jsonOf(r)).toEqual({ rolledForward: 1, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
    expect(readFileSync(target, 'utf8')).toBe('{"v": 2}')
    expect(existsSync(temp)).toBe(false)
    expect(existsSync(manifest)).toBe(false)
  })

  it('rolls an uncommitted transaction back', async () => {
    const dir = tempDir()
    const target = join(dir, 'notes.md')
    writeFileSync(target, 'old')
    const { temp, manifest } = tornTransaction(dir, target)
    const r = await runCli(['recover', dir, '--json'])
    expect(r.code).toBe(0)
    expect(jsonOf(r)).toEqual({ rolledForward: 0, rolledBack: 1, tempFilesRemoved: 1, conflicts: [] })
    expect(readFileSync(target, 'utf8')).toBe('old')
    expect(existsSync(temp)).toBe(false)
    expect(existsSync(manifest)).toBe(false)
  })

  it('running it again finds nothing to do', async () => {
    const dir = tempDir()
    leftoverTemp(join(dir, 'x'))
    expect((await runCli(['recover', dir])).code).toBe(0)
    const again = await runCli(['recover', dir, '--json'])
    expect(jsonOf(again)).toEqual({ rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
  })

  it('a missing directory has nothing to recover, as for recover()', async () => {
    const dir = tempDir()
    const r = await runCli(['recover', 'nope', '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(jsonOf(r)).toEqual(await recover(join(dir, 'nope')))
    expect(jsonOf(r)).toEqual({ rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0, conflicts: [] })
    const text = await runCli(['recover', 'nope'], { cwd: dir })
    expect(text.code).toBe(0)
    expect(text.stdout).toBe(
      `Recovered ${join(dir, 'nope')}: 0 rolled forward, 0 rolled back, 0 temp files removed.\n`,
    )
    expect(existsSync(join(dir, 'nope'))).toBe(false)
  })

  it('a file instead of a directory exits 1 with ENOTDIR', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'f'), '')
    const r = await runCli(['recover', 'f', '--json'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^durable-write: ENOTDIR: [^\n]*\n$/)
    expect((jsonOf(r).error as Record<string, unknown>).code).toBe('ENOTDIR')
  })
})
