// Checks that the package resolves by its name under this runtime, as an installed dependency does:
// a fresh project with node_modules/durable-write linked to this package, importing (ESM) and
// requiring (CommonJS) every entry point of its `exports`. Prints one JSON line per entry and form.
// Usage: <runtime> test/portable/exports.mjs
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runtime, tempDir } from './harness.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const entries = Object.keys(pkg.exports)
  .filter((e) => e !== './package.json')
  .map((e) => (e === '.' ? 'durable-write' : `durable-write/${e.slice(2)}`))

const project = tempDir()
mkdirSync(join(project, 'node_modules'))
symlinkSync(root, join(project, 'node_modules', 'durable-write'))
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
const probe = (entry, form) => {
  const load = form === 'esm' ? `const m = await import('${entry}')` : `const m = require('${entry}')`
  return `${load}\nconst keys = typeof m === 'function' ? ['(function)', ...Object.keys(m)] : Object.keys(m)\nconsole.log(JSON.stringify(keys.length))\n`
}
let failed = 0
for (const entry of entries) {
  for (const form of ['esm', 'cjs']) {
    const file = join(project, `probe.${form === 'esm' ? 'mjs' : 'cjs'}`)
    writeFileSync(file, probe(entry, form))
    const [cmd, ...args] = runtime
    const run = spawnSync(cmd, [...args, file], { cwd: project, encoding: 'utf8' })
    const exports = Number(run.stdout.trim())
    const ok = run.status === 0 && exports > 0
    if (!ok) failed++
    console.log(
      JSON.stringify({ entry, form, ok, exports, error: ok ? undefined : run.stderr.slice(0, 500) }),
    )
  }
}
process.exitCode = failed === 0 ? 0 : 1
