/**
 * The migration paths docs/faces.md describes, read from that page: each "after" import line is the
 * "before" line with only the specifier changed, and works in a project with durable-write
 * installed; the override snippets are the ones `durable-write shim` prints.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuiltEntries, jsonOf, packageRoot, runCli } from '../cli/run-cli.js'
import { tempDir } from '../helpers/tmp.js'

beforeAll(ensureBuiltEntries)

const doc = readFileSync(join(packageRoot, 'docs', 'faces.md'), 'utf8')

function section(heading: string): string {
  const start = doc.indexOf(`${heading}\n`)
  if (start < 0) throw new Error(`docs/faces.md has no "${heading}"`)
  const rest = doc.slice(start + heading.length + 1)
  const end = rest.search(/^#{2,3} /m)
  return end < 0 ? rest : rest.slice(0, end)
}

const direct = [
  ...section('### Direct dependency: change the import').matchAll(
    /^\| ([^|`]+) \| `([^`]+)` \| `([^`]+)` \|$/gm,
  ),
].map((m) => ({ label: m[1]!.trim(), before: m[2]!, after: m[3]! }))

/** Code that uses what the "after" line imported, by package. */
const USES: Record<string, string> = {
  'write-file-atomic': `await writeFileAtomic('a.txt', 'one'); writeFileAtomic.sync('b.txt', 'two')`,
  atomically: `await writeFile('a.txt', 'one'); if ((await readFile('a.txt', 'utf8')) !== 'one') throw new Error('read'); await writeFile('b.txt', 'two')`,
  steno: `const w = new Writer('a.txt'); await w.write('one'); await new Writer('b.txt').write('two')`,
}

function project(): string {
  const dir = tempDir('dw-migrate-')
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(packageRoot, join(dir, 'node_modules', 'durable-write'), 'dir')
  return dir
}

describe('direct dependency: change the import', () => {
  it('the table lists both module systems of write-file-atomic and the ESM-only packages', () => {
    expect(direct.map((d) => d.label)).toEqual([
      'write-file-atomic (CommonJS)',
      'write-file-atomic (ESM)',
      'atomically',
      'steno',
    ])
  })

  it.each(direct)(
    '$label: only the specifier changes, and the new line works',
    ({ label, before, after }) => {
      const name = label.split(' ')[0]!
      expect(after).toBe(before.replace(`'${name}'`, `'durable-write/compat/${name}'`))
      const dir = project()
      const esm = after.startsWith('import')
      const body = esm ? `${after}\n${USES[name]}\n` : `${after}\n;(async () => { ${USES[name]} })()\n`
      const file = join(dir, esm ? 'client.mjs' : 'client.cjs')
      writeFileSync(file, body)
      execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one')
      expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('two')
    },
  )
})

describe('transitive dependency: override it with a shim', () => {
  it('the npm, pnpm and yarn snippets are what durable-write shim prints', async () => {
    const blocks = [
      ...section('### Transitive dependency: override it with a shim').matchAll(/```json\n(.*)\n```/g),
    ].map((m) => JSON.parse(m[1]!) as unknown)
    const r = await runCli(['shim', 'write-file-atomic', '--json'], { cwd: tempDir() })
    expect(r.code).toBe(0)
    const { overrides } = jsonOf(r) as { overrides: { npm: unknown; pnpm: unknown; yarn: unknown } }
    expect(blocks).toEqual([overrides.npm, overrides.pnpm, overrides.yarn])
  })
})
