// Packs durable-write as npm would publish it, checks the package with publint and
// @arethetypeswrong/cli, installs the tarball into an empty project and uses it from
// both `import` and `require`. Prints one line per check; a failing check prints its tool's
// full output and exits non-zero.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'durable-write-pack-'))
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
const ops = (stats) =>
  Object.entries(stats.ops)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')

/** publint --strict; its full report only when it finds something. */
function publint() {
  const out = execFileSync('npx', ['--no-install', 'publint', '--strict', '--pack', 'npm'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  if (!out.includes('All good!')) {
    process.stdout.write(out)
    throw new Error('publint found problems.')
  }
  console.log('publint --strict: all good')
}

/**
 * attw with the node16 profile: every entry point must resolve, with the right module kind, under
 * node16 (from CJS and from ESM) and bundler resolution. node10 resolution (no `exports` support)
 * is not a target of this package: its subpaths cannot resolve there, which the profile ignores.
 */
function attw(tarball) {
  let out
  try {
    out = execFileSync('npx', ['--no-install', 'attw', tarball, '--profile', 'node16', '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (err) {
    out = err.stdout
  }
  const { analysis } = JSON.parse(out)
  const problems = (analysis.problems ?? []).filter((p) => p.resolutionKind !== 'node10')
  if (problems.length > 0) {
    process.stdout.write(
      run('npx', ['--no-install', 'attw', tarball, '--profile', 'node16', '--format', 'ascii']),
    )
    throw new Error(`attw found ${problems.length} problems: ${problems.map((p) => p.kind).join(', ')}.`)
  }
  const entries = Object.keys(analysis.entrypoints)
  console.log(`attw (node16 from CJS and ESM, bundler): ${entries.length} entry points resolve, no problems`)
}

try {
  run('npm', ['pack', '--silent', '--pack-destination', work])
  const tarball = join(
    work,
    readdirSync(work).find((f) => f.endsWith('.tgz')),
  )
  console.log(`packed ${tarball}`)

  publint()
  attw(tarball)

  const app = join(work, 'app')
  run('mkdir', ['-p', app])
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }))
  run('npm', ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', tarball], app)

  const target = join(work, 'out')
  const esm = `import { writeFile, readVersioned } from 'durable-write'
const s = await writeFile(${JSON.stringify(`${target}/esm.txt`)}, 'esm')
const r = await readVersioned(s.path, { encoding: 'utf8' })
if (r.content !== 'esm' || r.version !== s.version) throw new Error('ESM round trip failed')
console.log('import works: ' + (${ops.toString()})(s))`
  const cjs = `const { writeFileSync, versionOf } = require('durable-write')
const s = writeFileSync(${JSON.stringify(`${target}/cjs.txt`)}, 'cjs')
if (s.version !== versionOf('cjs')) throw new Error('CJS round trip failed')
console.log('require works: ' + (${ops.toString()})(s))`
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
