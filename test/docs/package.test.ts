import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { missingBuild, packageRoot } from '../types/built.js'

const REPO = 'https://github.com/durable-write/durable-write'
const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  repository: { type: string; url: string }
  homepage: string
  bugs: { url: string }
  sideEffects?: boolean
  exports: Record<string, { import: { default: string }; require: { default: string } } | string>
}
const skipReason = missingBuild(['dist/index.js', 'dist/index.cjs'])

describe('package metadata', () => {
  it('names the repository, the home page and where to report bugs', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` })
    expect(pkg.homepage).toBe(`${REPO}#readme`)
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` })
  })

  it('links from the README only to absolute addresses or its own headings (the registry page has no docs/)', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
    expect(targets.length).toBeGreaterThan(0)
    expect(targets.filter((t) => !/^(https:\/\/|#)/.test(t))).toEqual([])
    for (const t of targets.filter((t) => t.startsWith(`${REPO}/blob/main/`))) {
      const file = t.slice(`${REPO}/blob/main/`.length).split('#')[0]!
      expect(() => readFileSync(join(packageRoot, file)), file).not.toThrow()
    }
  })
})

describe('sideEffects in package.json tells the truth', () => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {})
    return
  }
  const entries = Object.values(pkg.exports).filter((e) => typeof e !== 'string')
  const script = (load: string) =>
    `const fs = require('node:fs'); const before = [fs.close, fs.closeSync, fs.open, fs.readFile, fs.writeFile];
     Promise.resolve(${load}).then(() => {
       const after = [fs.close, fs.closeSync, fs.open, fs.readFile, fs.writeFile];
       process.stdout.write(String(after.some((f, i) => f !== before[i])));
     })`

  it('is not false while importing an entry point changes the global fs', () => {
    const changed = entries.flatMap((e) => [
      execFileSync(
        process.execPath,
        ['-e', script(`require(${JSON.stringify(join(packageRoot, e.require.default))})`)],
        {
          encoding: 'utf8',
        },
      ),
      execFileSync(
        process.execPath,
        ['-e', script(`import(${JSON.stringify(join(packageRoot, e.import.default))})`)],
        {
          encoding: 'utf8',
        },
      ),
    ])
    // graceful-fs wraps fs.close and fs.closeSync when it is loaded: the import has a side effect.
    if (changed.includes('true')) expect(pkg.sideEffects).not.toBe(false)
    else expect(changed.every((c) => c === 'false')).toBe(true)
  })
})
