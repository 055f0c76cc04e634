#!/usr/bin/env node
// Tests durable-write on the runtimes users run besides the Node.js running npm: the whole test suite
// on Node 22 and 24, and the portable contract suite (test/portable/) on Bun and Deno, whose op counts
// must equal this Node's. The runtimes are npm packages pinned in tools/runtimes (checksums in its
// package-lock.json), installed with `npm ci` into .cache/runtimes (ignored by git), once per lock.
//
//   node scripts/runtimes.mjs            # everything
//   node scripts/runtimes.mjs portable   # the portable suite only, on every runtime
//   DW_RUNTIMES=node22,bun node scripts/runtimes.mjs
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const tools = join(root, 'tools', 'runtimes')
const cache = join(root, '.cache', 'runtimes')
const modules = join(cache, 'node_modules')

/** How each runtime runs a script, and whether it runs the whole vitest suite or the portable one. */
const RUNTIMES = {
  node22: { command: [join(modules, 'node22', 'bin', 'node')], suite: 'vitest' },
  node24: { command: [join(modules, 'node24', 'bin', 'node')], suite: 'vitest' },
  bun: { command: [join(modules, 'bun', 'bin', 'bun')], suite: 'portable' },
  deno: {
    command: [join(modules, 'deno', 'deno'), 'run', '-A', '--node-modules-dir=manual'],
    suite: 'portable',
  },
}

function sh(command, args, options = {}) {
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  if (run.error) throw run.error
  return run
}

/** Installs the pinned runtimes unless the installed lock is the same. */
function install() {
  const lock = readFileSync(join(tools, 'package-lock.json'), 'utf8')
  const installed = join(modules, '.package-lock.json')
  const current = existsSync(join(cache, 'package-lock.json')) && existsSync(installed)
  if (current && readFileSync(join(cache, 'package-lock.json'), 'utf8') === lock) return
  mkdirSync(cache, { recursive: true })
  copyFileSync(join(tools, 'package.json'), join(cache, 'package.json'))
  copyFileSync(join(tools, 'package-lock.json'), join(cache, 'package-lock.json'))
  console.log('runtimes: installing the pinned runtimes (npm ci in .cache/runtimes)')
  const run = sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: cache,
  })
  if (run.status !== 0) throw new Error('npm ci of tools/runtimes failed')
}

/** The portable suite's results under `command`, by case; fails on any failed case. */
function portable(name, command) {
  const env = { ...process.env, PORTABLE_RUNTIME: JSON.stringify(command) }
  const results = {}
  let failed = 0
  for (const script of ['test/portable/suite.mjs', 'test/portable/exports.mjs']) {
    const run = spawnSync(command[0], [...command.slice(1), script], { cwd: root, env, encoding: 'utf8' })
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const r = JSON.parse(line)
      if (r.summary) continue
      const key = r.case ?? `${r.entry} (${r.form})`
      results[key] = r.result ?? r.exports
      if (!r.ok) {
        failed++
        console.log(`${name}: FAIL ${key}\n${r.error}`)
      }
    }
    if (run.status !== 0 && failed === 0) {
      failed++
      console.log(`${name}: ${script} exited with ${run.status}\n${run.stderr}`)
    }
  }
  return { results, failed }
}

function version(command) {
  const run = spawnSync(command[0], command[0].endsWith('deno') ? ['--version'] : ['--version'], {
    encoding: 'utf8',
  })
  return run.stdout.split('\n')[0].trim()
}

const only = process.argv[2]
const wanted = (process.env.DW_RUNTIMES ?? Object.keys(RUNTIMES).join(',')).split(',')
install()
let failures = 0
const reference = portable(`node ${process.version}`, [process.execPath])
failures += reference.failed
for (const name of wanted) {
  const rt = RUNTIMES[name]
  if (!rt) throw new Error(`Unknown runtime ${name}; known: ${Object.keys(RUNTIMES).join(', ')}.`)
  const label = `${name} (${version(rt.command)})`
  if (rt.suite === 'vitest' && only !== 'portable') {
    console.log(`\nruntimes: the whole test suite on ${label}`)
    // The whole suite; its long kill and contention loops at a smaller size than on the first Node
    // (raise them with the same variables).
    const env = {
      ...process.env,
      DW_KILL_ITERATIONS: process.env.DW_KILL_ITERATIONS ?? '10',
      DURABLE_WRITE_CHAOS_INCREMENTS: process.env.DURABLE_WRITE_CHAOS_INCREMENTS ?? '100',
      DURABLE_WRITE_TEST_INCREMENTS: process.env.DURABLE_WRITE_TEST_INCREMENTS ?? '100',
    }
    const run = sh(rt.command[0], [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], { env })
    if (run.status !== 0) failures++
    continue
  }
  const { results, failed } = portable(label, rt.command)
  failures += failed
  // The library's own work is the same everywhere: every op count equals this Node's.
  let differ = 0
  for (const [key, value] of Object.entries(reference.results)) {
    if (JSON.stringify(results[key]) !== JSON.stringify(value)) {
      differ++
      console.log(
        `${label}: ${key} differs from node ${process.version}:\n  ${JSON.stringify(results[key])}\n  ${JSON.stringify(value)}`,
      )
    }
  }
  failures += differ
  const cases = Object.keys(results).length
  console.log(
    `runtimes: portable suite on ${label}: ${cases - failed} of ${cases} passed, ${differ} differ from node ${process.version}`,
  )
}
if (failures > 0) {
  console.log(`runtimes: ${failures} failure(s)`)
  process.exit(1)
}
console.log('runtimes: all passed')
