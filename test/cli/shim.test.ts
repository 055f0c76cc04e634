/**
 * `durable-write shim <package>`. Tests cannot install from the registry, so the result of an
 * override (`overrides`, `pnpm.overrides`, `resolutions`) is simulated: the shim is written straight
 * to node_modules/<original name> of a temp project whose node_modules/durable-write links to this
 * repository, and a dependency of the project that imports the original gets the face.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { ensureBuiltEntries, jsonOf, packageRoot, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

const ORIGINALS = ['write-file-atomic', 'atomically', 'steno'] as const
type Original = (typeof ORIGINALS)[number]

/** A project folder with durable-write "installed" (a link to this repository). */
function project(): string {
  const dir = tempDir('dw-shim-')
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(packageRoot, join(dir, 'node_modules', 'durable-write'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'client', version: '1.0.0' }))
  return dir
}

/** A dependency of the project that imports `name` both ways, as a transitive user of the original does. */
function addDependent(dir: string, name: Original): void {
  const dep = join(dir, 'node_modules', 'some-dependent')
  mkdirSync(dep)
  writeFileSync(
    join(dep, 'package.json'),
    JSON.stringify({ name: 'some-dependent', version: '1.0.0', dependencies: { [name]: '*' } }),
  )
  writeFileSync(join(dep, 'index.cjs'), `module.exports = require('${name}')\n`)
  writeFileSync(join(dep, 'index.mjs'), `export * as original from '${name}'\n`)
}

/** What one write through each form of `name` does, run in a child process of the project. */
const probes: Record<Original, string> = {
  'write-file-atomic': `
    const viaRequire = require('./node_modules/some-dependent/index.cjs')
    const face = require('durable-write/compat/write-file-atomic')
    const { original } = await import('./node_modules/some-dependent/index.mjs')
    const faceEsm = await import('durable-write/compat/write-file-atomic')
    await viaRequire('out-cjs.txt', 'cjs')
    await original.default('out-esm.txt', 'esm')
    report(viaRequire === face, original.default === faceEsm.default)`,
  atomically: `
    const viaRequire = require('./node_modules/some-dependent/index.cjs')
    const face = require('durable-write/compat/atomically')
    const { original } = await import('./node_modules/some-dependent/index.mjs')
    const faceEsm = await import('durable-write/compat/atomically')
    await viaRequire.writeFile('out-cjs.txt', 'cjs')
    original.writeFileSync('out-esm.txt', 'esm')
    report(viaRequire.writeFile === face.writeFile, original.writeFileSync === faceEsm.writeFileSync)`,
  steno: `
    const viaRequire = require('./node_modules/some-dependent/index.cjs')
    const face = require('durable-write/compat/steno')
    const { original } = await import('./node_modules/some-dependent/index.mjs')
    const faceEsm = await import('durable-write/compat/steno')
    await new viaRequire.Writer('out-cjs.txt').write('cjs')
    await new original.Writer('out-esm.txt').write('esm')
    report(viaRequire.Writer === face.Writer, original.Writer === faceEsm.Writer)`,
}

function runProbe(dir: string, name: Original): { required: boolean; imported: boolean } {
  const script = `
    const report = (required, imported) => console.log(JSON.stringify({ required, imported }))
    ;(async () => {${probes[name]}
    })().catch((err) => { console.error(err); process.exit(1) })`
  const out = execFileSync(process.execPath, ['--input-type=commonjs', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
  })
  return JSON.parse(out) as { required: boolean; imported: boolean }
}

describe('durable-write shim', () => {
  it.each(ORIGINALS)(
    '%s: a dependency that imports the original gets the face, by require and by import',
    async (name) => {
      const dir = project()
      addDependent(dir, name)
      const r = await runCli(['shim', name, '--out', join('node_modules', name)], { cwd: dir })
      expect(r.code).toBe(0)
      expect(runProbe(dir, name)).toEqual({ required: true, imported: true })
      expect(readFileSync(join(dir, 'out-cjs.txt'), 'utf8')).toBe('cjs')
      expect(readFileSync(join(dir, 'out-esm.txt'), 'utf8')).toBe('esm')
    },
  )

  it("the shims carry the faces' types for import and for require", { timeout: 60_000 }, async () => {
    const dir = project()
    symlinkSync(join(packageRoot, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir')
    for (const name of ORIGINALS) {
      expect((await runCli(['shim', name, '--out', join('node_modules', name)], { cwd: dir })).code).toBe(0)
    }
    writeFileSync(
      join(dir, 'esm.mts'),
      [
        "import writeFileAtomic from 'write-file-atomic'",
        "import { writeFile, type WriteOptions } from 'atomically'",
        "import { Writer } from 'steno'",
        'const options: WriteOptions = { fsync: true }',
        "await writeFileAtomic('a', 'b', { mode: 0o600 })",
        "writeFileAtomic.sync('a', 'b')",
        "await writeFile('a', 'b', options)",
        "await new Writer('x').write('y')",
        '// @ts-expect-error mode is a number or false',
        "await writeFileAtomic('a', 'b', { mode: 'x' })",
      ].join('\n'),
    )
    writeFileSync(
      join(dir, 'cjs.cts'),
      [
        "import writeFileAtomic = require('write-file-atomic')",
        "import atomically = require('atomically')",
        "import steno = require('steno')",
        "writeFileAtomic.sync('a', 'b')",
        "void atomically.writeFile('a', 'b')",
        "void new steno.Writer('x').write('y')",
      ].join('\n'),
    )
    const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node']
    execFileSync(process.execPath, [tsc, ...args, 'esm.mts', 'cjs.cts'], { cwd: dir, encoding: 'utf8' })
  })

  it("writes a package named like the original, with a version in the original's ranges", async () => {
    const dir = project()
    const r = await runCli(['shim', 'write-file-atomic', '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    const shim = join(dir, 'shims', 'write-file-atomic')
    expect(readdirSync(shim).sort()).toEqual(['index.cjs', 'index.d.ts', 'index.mjs', 'package.json'])
    const pkg = JSON.parse(readFileSync(join(shim, 'package.json'), 'utf8'))
    const own = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({
      name: 'write-file-atomic',
      version: `7.0.1+durable-write.${own.version}`,
      private: true,
      main: './index.cjs',
      peerDependencies: { 'durable-write': `^${own.version}` },
    })
    expect(jsonOf(r)).toMatchObject({
      name: 'write-file-atomic',
      path: shim,
      overrides: {
        npm: { overrides: { 'write-file-atomic': 'file:./shims/write-file-atomic' } },
        pnpm: { pnpm: { overrides: { 'write-file-atomic': 'file:./shims/write-file-atomic' } } },
        yarn: { resolutions: { 'write-file-atomic': 'file:./shims/write-file-atomic' } },
      },
    })
  })

  it('prints the override for npm, pnpm and yarn, relative to the project', async () => {
    const dir = project()
    const r = await runCli(['shim', 'steno', '--out', 'vendor/steno'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Wrote the shim of steno (4.0.2+durable-write.`)
    expect(r.stdout).toContain(`  npm   "overrides": { "steno": "file:./vendor/steno" }`)
    expect(r.stdout).toContain(`  pnpm  "pnpm": { "overrides": { "steno": "file:./vendor/steno" } }`)
    expect(r.stdout).toContain(`  yarn  "resolutions": { "steno": "file:./vendor/steno" }`)
  })

  it('updates its own shim, and leaves a folder that holds another package alone (exit 1)', async () => {
    const dir = project()
    expect((await runCli(['shim', 'atomically'], { cwd: dir })).code).toBe(0)
    expect((await runCli(['shim', 'atomically'], { cwd: dir })).code).toBe(0)
    mkdirSync(join(dir, 'taken'))
    writeFileSync(join(dir, 'taken', 'package.json'), '{"name":"atomically","version":"2.1.1"}')
    const r = await runCli(['shim', 'atomically', '--out', 'taken'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^durable-write: .*taken\/package\.json exists and was not written by 'durable-write shim atomically'.*\(EEXIST\)\n$/,
    )
    expect(readdirSync(join(dir, 'taken'))).toEqual(['package.json'])
  })

  it('an unknown package is a usage error (exit 2) naming the three it takes', async () => {
    const r = await runCli(['shim', 'left-pad'], { cwd: project() })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      "durable-write has no face of 'left-pad'; shim takes one of write-file-atomic, atomically, steno.",
    )
  })

  it('--help shows the override syntax of npm, pnpm and yarn', async () => {
    const r = await runCli(['shim', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^Usage: durable-write shim <write-file-atomic\|atomically\|steno> \[--out DIR\]/,
    )
    for (const syntax of ['"overrides":', '"pnpm": { "overrides":', '"resolutions":'])
      expect(r.stdout).toContain(syntax)
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}shim <package> +Write a package that stands in/m)
  })
})
