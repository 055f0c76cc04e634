// Packs durable-write as npm would publish it, checks the package with publint and
// @arethetypeswrong/cli, installs the tarball into an empty project and uses it from
// both `import` and `require`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'durable-write-pack-'))
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

try {
  run('npm', ['pack', '--silent', '--pack-destination', work])
  const tarball = join(
    work,
    readdirSync(work).find((f) => f.endsWith('.tgz')),
  )
  console.log(`packed ${tarball}`)

  process.stdout.write(run('npx', ['--no-install', 'publint', '--strict', '--pack', 'npm']))
  process.stdout.write(
    run('npx', ['--no-install', 'attw', tarball, '--profile', 'node16', '--format', 'ascii']),
  )

  const app = join(work, 'app')
  run('mkdir', ['-p', app])
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }))
  run('npm', ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', tarball], app)

  const target = join(work, 'out')
  const esm = `import { writeFile, readVersioned } from 'durable-write'
const s = await writeFile(${JSON.stringify(`${target}/esm.txt`)}, 'esm')
const r = await readVersioned(s.path, { encoding: 'utf8' })
if (r.content !== 'esm' || r.version !== s.version) throw new Error('ESM round trip failed')
console.log('import works:', s.ops)`
  const cjs = `const { writeFileSync, versionOf } = require('durable-write')
const s = writeFileSync(${JSON.stringify(`${target}/cjs.txt`)}, 'cjs')
if (s.version !== versionOf('cjs')) throw new Error('CJS round trip failed')
console.log('require works:', s.ops)`
  const faces = `const assert = require('node:assert')
const wfa = require('durable-write/compat/write-file-atomic')
assert.equal(typeof wfa, 'function', 'require() of the write-file-atomic face returns the function')
assert.equal(typeof wfa.sync, 'function')
assert.equal(typeof require('durable-write/compat/atomically').writeFile, 'function')
assert.equal(typeof require('durable-write/compat/steno').Writer, 'function')
console.log('compat faces load from require')`
  const facesEsm = `import wfa from 'durable-write/compat/write-file-atomic'
import { writeFile } from 'durable-write/compat/atomically'
import { Writer } from 'durable-write/compat/steno'
await wfa(${JSON.stringify(`${target}/wfa.txt`)}, 'x')
await writeFile(${JSON.stringify(`${target}/atomically.txt`)}, 'x')
await new Writer(${JSON.stringify(`${target}/steno.txt`)}).write('x')
console.log('compat faces work from import')`
  process.stdout.write(run('node', ['--input-type=module', '-e', esm], app))
  process.stdout.write(run('node', ['-e', cjs], app))
  process.stdout.write(run('node', ['-e', faces], app))
  process.stdout.write(run('node', ['--input-type=module', '-e', facesEsm], app))
  const help = run('npx', ['--no-install', 'durable-write', '--help'], app)
  if (!help.includes('durable-write')) throw new Error('npx durable-write --help printed no usage')
  console.log('npx durable-write --help works')
  console.log('package check passed')
} finally {
  rmSync(work, { recursive: true, force: true })
}
