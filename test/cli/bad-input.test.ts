import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { ensureBuiltEntries, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries, 180_000)

describe('durable-write version <dir>', () => {
  it('fails with EISDIR naming the directory', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'notes'))
    const r = await runCli(['version', 'notes'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('EISDIR')
    expect(r.stderr).toContain(join(dir, 'notes'))
  })
})
