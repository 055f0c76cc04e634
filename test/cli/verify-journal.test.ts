import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { committedTransaction } from './journal-fixtures.js'
import { ensureBuiltEntries, jsonOf, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

interface Problem {
  path: string
  kind: string
  message: string
}

/** A committed, unfinished transaction journaled in `out` whose temp lies in out/api. */
function interrupted(): { out: string; target: string; temp: string } {
  const out = join(tempDir(), 'out')
  mkdirSync(join(out, 'api'), { recursive: true })
  const target = join(out, 'api', 'client.ts')
  writeFileSync(target, 'old')
  const { temp } = committedTransaction(out, target, 'new')
  return { out, target, temp }
}

describe('verify and recover name the journal that owns a temp', () => {
  it("advises recovering the journal's directory, not the temp's", async () => {
    const { out, temp } = interrupted()
    const r = await runCli(['verify', '.', '--json'], { cwd: out })
    expect(r.code).toBe(1)
    const problems = jsonOf(r).problems as Problem[]
    const tempProblem = problems.find((p) => p.path === temp)!
    expect(tempProblem.kind).toBe('temp-file')
    expect(tempProblem.message).toContain(`durable-write recover ${out}'`)
    expect(tempProblem.message).toContain(join(out, '.durable-write'))
  })

  it('the advice, followed from the subdirectory, completes the transaction', async () => {
    const { out, target, temp } = interrupted()
    const r = await runCli(['recover', 'api'], { cwd: out })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('1 rolled forward')
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(existsSync(temp)).toBe(false)
  })

  it('reports a conflict on the command line and in verify', async () => {
    const { out, target } = interrupted()
    writeFileSync(target, 'written again by the application')
    const r = await runCli(['recover', out])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Conflict: ${target} was written again`)
    expect(readFileSync(target, 'utf8')).toBe('written again by the application')
    const v = await runCli(['verify', out, '--json'])
    const problems = jsonOf(v).problems as Problem[]
    expect(problems.map((p) => p.kind)).toEqual(['recovery-conflict'])
    expect(readFileSync(problems[0]!.path, 'utf8')).toBe('new')
  })
})
