/**
 * The built faces load Node's builtins only by their `node:` names, so a client test that swaps in
 * a mocked `path` or `fs` (require-inject, proxyquire: both key on the bare name) cannot reach them.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuiltEntries, packageRoot } from '../cli/run-cli.js'
import { tempDir } from '../helpers/tmp.js'

const distDir = join(packageRoot, 'dist')
const fixture = fileURLToPath(new URL('./fixtures/mocked-builtins.cjs', import.meta.url))

beforeAll(ensureBuiltEntries)

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(c?js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

/** `require('fs')`, `from "fs"`, `import('fs')`, `import "fs"`: every bare specifier of a builtin. */
function bareBuiltins(code: string): string[] {
  const specifiers = /(?:\brequire\s*\(\s*|\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g
  const found: string[] = []
  for (const m of code.matchAll(specifiers)) {
    const name = m[2]!
    if (!name.startsWith('node:') && builtinModules.includes(name)) found.push(name)
  }
  return found
}

describe('built entry points', () => {
  it('name every Node builtin with its node: prefix', () => {
    const files = builtFiles(distDir)
    expect(files.some((f) => f.endsWith('.cjs'))).toBe(true)
    expect(files.some((f) => f.endsWith('.js'))).toBe(true)
    const bare: Record<string, string[]> = {}
    for (const file of files) {
      const names = bareBuiltins(readFileSync(file, 'utf8'))
      if (names.length > 0) bare[relative(distDir, file)] = names
    }
    expect(bare).toEqual({})
  })

  it('the scan finds bare builtins in every import form', () => {
    const code = `require('path'); require("node:fs"); import x from "fs"; import('os'); import "util/types"; require('graceful-fs')`
    expect(bareBuiltins(code)).toEqual(['path', 'fs', 'os', 'util/types'])
  })

  it('the CommonJS faces still write correctly when a client test mocks path and fs', () => {
    const dir = tempDir()
    const cwd = tempDir()
    const out = execFileSync(process.execPath, [fixture, distDir, dir], { cwd, encoding: 'utf8' })
    const result = JSON.parse(out) as { files?: Record<string, string>; error?: string; reached: string[] }
    expect(result.error).toBeUndefined()
    expect(result.reached).toEqual([])
    expect(result.files).toEqual({
      'atomically-async.js': 'atomically-async',
      'atomically-sync.js': 'atomically-sync',
      'steno.js': 'steno',
      'wfa-async.js': 'wfa-async',
      'wfa-sync.js': 'wfa-sync',
    })
    // Nothing was written relative to the working directory (as path.win32 would have made it).
    expect(readdirSync(cwd)).toEqual([])
  })
})
