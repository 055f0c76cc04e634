// Entry of `npm run bench`: runs the scenarios T1–T10 and L side by side with the peers, then writes
// bench/RESULTS.md and bench/results.json. Flags: --quick (smaller sizes, fewer rounds), --only T1,T3.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { captureEnv } from './lib/env.mjs'
import { libraryUrl, loadLibrary } from './lib/library.mjs'
import { renderResults } from './lib/report.mjs'
import { straceCrossCheck } from './lib/strace.mjs'
import { SCENARIOS } from './scenarios/index.mjs'

// Rerun with a manual GC (collected between timed blocks) and room for the large JSON scenarios.
if (typeof globalThis.gc !== 'function') {
  const flags = ['--expose-gc', '--max-old-space-size=8192']
  const argv = [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)]
  const child = spawnSync(process.execPath, argv, { stdio: 'inherit' })
  process.exit(child.status ?? 1)
}

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
})
const quick = values.quick
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim().toUpperCase())) : undefined
const selected = SCENARIOS.filter((s) => !only || only.has(s.id))
if (selected.length === 0) {
  console.error(`No scenario matches --only ${values.only}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`)
  process.exit(2)
}

const started = performance.now()
const log = (scope) => (msg) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${scope} ${msg}`)
const dir = mkdtempSync(join(os.tmpdir(), 'durable-write-bench-'))
// Also on an early exit (a crash, or a promise that never settles), the bench directory goes.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
process.env.DW_BENCH_MODULE ??= fileURLToPath(libraryUrl())
const dw = await loadLibrary()
const env = captureEnv(dir)
log('env')(`${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.df.type} on ${env.df.device}, dir ${dir}`)

let strace = { available: false, lines: ['Not run: T1 was not selected.'] }
if (selected.some((s) => s.id === 'T1')) {
  log('strace')('cross-checking T1 op counts')
  strace = await straceCrossCheck(join(dir, 'strace'))
}

const scenarios = []
try {
  for (const s of selected) {
    const sdir = join(dir, s.id)
    const t0 = performance.now()
    log(s.id)(s.title)
    const base = { id: s.id, title: s.title, target: s.target }
    try {
      mkdirSync(sdir)
      const result = await s.run({ dw, dir: sdir, quick, log: log(s.id), strace })
      scenarios.push({ ...base, ...result, seconds: (performance.now() - t0) / 1000 })
    } catch (err) {
      log(s.id)(`failed: ${err.stack ?? err}`)
      scenarios.push({ ...base, error: String(err.message ?? err), checks: [], tables: [] })
    } finally {
      rmSync(sdir, { recursive: true, force: true })
    }
    log(s.id)(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

env.loadAverageEnd = os.loadavg().map((x) => Math.round(x * 100) / 100)
const results = {
  mode: quick ? 'quick' : 'full',
  only: only ? [...only] : undefined,
  elapsedSeconds: (performance.now() - started) / 1000,
  env,
  strace,
  scenarios,
}
const here = (name) => fileURLToPath(new URL(name, import.meta.url))
writeFileSync(here('results.json'), `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(here('RESULTS.md'), renderResults(results))
const checks = scenarios.flatMap((s) => s.checks ?? [])
log('done')(
  `${checks.filter((c) => c.pass).length}/${checks.length} checks hold; wrote bench/RESULTS.md and bench/results.json`,
)
