import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, packageRoot } from '../helpers/children.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

/** Runs a script of the portable suite under this Node, as scripts/runtimes.mjs runs it under Bun and Deno. */
function runPortable(script: string): { ok: boolean; case?: string; entry?: string; error?: string }[] {
  const path = fileURLToPath(new URL(script, import.meta.url))
  const run = spawnSync(process.execPath, [path], { cwd: packageRoot, encoding: 'utf8' })
  expect(run.stderr).toBe('')
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((r) => !r.summary)
}

describe(`the portable contract suite on this Node (${process.version})`, () => {
  it('passes every case', () => {
    const results = runPortable('./suite.mjs')
    expect(results.length).toBeGreaterThanOrEqual(13)
    expect(results.filter((r) => !r.ok)).toEqual([])
  }, 120_000)

  it('resolves every entry point by the package name, imported and required', () => {
    const results = runPortable('./exports.mjs')
    expect(results).toHaveLength(8)
    expect(results.filter((r) => !r.ok)).toEqual([])
  }, 60_000)
})
