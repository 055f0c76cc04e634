import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { missingBuild, packageRoot } from '../types/built.js'
import { blocksOf } from './blocks.js'

const skipReason = missingBuild(['dist/compat/write-file-atomic.cjs'])

/** The shim recipe of docs/recipes.md: the blocks of its section, in order. */
function shimRecipe(): { shimPackage: object; shimIndex: string; overrides: Record<string, string> } {
  const text = readFileSync(join(packageRoot, 'docs/recipes.md'), 'utf8')
  const start = text
    .split('\n')
    .findIndex((l) => l.startsWith('### For a dependency that imports one of them'))
  const end = text.split('\n').findIndex((l, i) => i > start && l.startsWith('### '))
  const blocks = blocksOf(packageRoot, 'docs/recipes.md').filter((b) => b.line > start && b.line < end)
  const [pkg, index, overrides] = blocks
  expect([pkg?.lang, index?.lang, overrides?.lang]).toEqual(['json', 'js', 'json'])
  return {
    shimPackage: JSON.parse(pkg?.code ?? ''),
    shimIndex: index?.code ?? '',
    overrides: (JSON.parse(overrides?.code ?? '') as { overrides: Record<string, string> }).overrides,
  }
}

/**
 * A project with the recipe's shim, depending on durable-write (this checkout) and `dependencies`;
 * `npm install` from local files only.
 */
function install(dir: string, dependencies: Record<string, string>) {
  const recipe = shimRecipe()
  mkdirSync(join(dir, 'shims', 'write-file-atomic'), { recursive: true })
  writeFileSync(join(dir, 'shims/write-file-atomic/package.json'), JSON.stringify(recipe.shimPackage))
  writeFileSync(join(dir, 'shims/write-file-atomic/index.js'), recipe.shimIndex)
  const pkg = {
    name: 'app',
    version: '1.0.0',
    private: true,
    dependencies: { 'durable-write': `file:${packageRoot}`, ...dependencies },
    overrides: recipe.overrides,
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  return spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  })
}

describe('migrating a dependency to durable-write (docs/recipes.md)', () => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {})
    return
  }

  it('gives a transitive dependency durable-write through the override and the shim', () => {
    const dir = tempDir('dw-shim-')
    // A dependency of the project that requires write-file-atomic, as many packages do.
    mkdirSync(join(dir, 'dep'))
    writeFileSync(
      join(dir, 'dep/package.json'),
      JSON.stringify({ name: 'dep', version: '1.0.0', dependencies: { 'write-file-atomic': '^7.0.0' } }),
    )
    writeFileSync(join(dir, 'dep/index.js'), "module.exports = require('write-file-atomic')\n")
    const result = install(dir, { dep: 'file:./dep' })
    expect(result.status, result.stderr).toBe(0)
    const same = execFileSync(
      process.execPath,
      [
        '-e',
        "process.stdout.write(String(require('dep') === require('durable-write/compat/write-file-atomic')))",
      ],
      { cwd: dir, encoding: 'utf8' },
    )
    expect(same).toBe('true')
  })

  it('fails with EOVERRIDE for a direct dependency, so direct users change the import', () => {
    const result = install(tempDir('dw-shim-'), { 'write-file-atomic': '^7.0.0' })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('EOVERRIDE')
    expect(readFileSync(join(packageRoot, 'docs/recipes.md'), 'utf8')).toContain('fails with `EOVERRIDE`')
  })
})
