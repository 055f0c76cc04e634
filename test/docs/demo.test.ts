import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { missingBuild, packageRoot } from '../types/built.js'

const skipReason = missingBuild(['dist/index.js', 'dist/cli.js'])

describe('npm run demo', () => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {})
    return
  }

  it('recovers a transaction killed right after its commit point, all files new together', () => {
    const out = execFileSync(process.execPath, [join(packageRoot, 'scripts', 'demo.mjs')], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    const crash = out.slice(out.indexOf('■ crash → recover'))
    expect(crash).toContain('files old | (none) | (none)')
    expect(crash).toContain('rolledForward 1, rolledBack 0')
    expect(crash).toContain('files now: new | new | new')
  })
})
