import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { missingBuild } from './built.js'
import { linkPackage, type Resolution, typeErrors } from './compile.js'

const skipReason = missingBuild(['dist/index.d.ts', 'dist/index.d.cts'])
const fixture = readFileSync(new URL('./fixtures/narrowing.ts', import.meta.url), 'utf8')

describe('the built declarations narrow under strict TypeScript', () => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {})
    return
  }
  // `npm run typecheck` checks the fixture against src/; here it runs against dist/ as a user's project would.
  const cases: [Resolution, 'module' | 'commonjs'][] = [
    ['nodenext', 'module'],
    ['nodenext', 'commonjs'],
    ['bundler', 'module'],
  ]
  for (const [resolution, type] of cases) {
    it(`types tx.read with encoding as string and updateJson with default as T (${resolution}, ${type})`, () => {
      const dir = tempDir()
      linkPackage(dir, type)
      const file = join(dir, 'narrowing.ts')
      writeFileSync(file, fixture.replace("'../../../src/index.js'", "'durable-write'"))
      expect(typeErrors([file], resolution)).toEqual([])
    })
  }
})
