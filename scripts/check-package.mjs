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
    run('npx', ['--no-install', 'attw', tarball, '--profile', 'node16', '--format', 'table-flipped']),
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
  process.stdout.write(run('node', ['--input-type=module', '-e', esm], app))
  process.stdout.write(run('node', ['-e', cjs], app))
  console.log('package check passed')
} finally {
  rmSync(work, { recursive: true, force: true })
}
