#!/usr/bin/env node
// Runs durable-write's file-system-facing tests on the file systems users run on: ext4, xfs and btrfs
// (loop-mounted images), an overlayfs (a lower and an upper layer, as a container's root) and a tmpfs.
// On each: the portable contract suite (every API, op counts, the system-call order of a durable
// write under strace, a transaction killed with SIGKILL and recovered, updateJson from 4 processes),
// the real-process kill loops, and the fault-injection suites of single writes and transactions —
// all with their temp directories (TMPDIR) on that file system.
//
// Needs root (mount). Where a file system cannot be made or mounted, the run says so and why, and
// reports it as not measured — never as passed. Images live in a temp directory, unmounted and
// removed whatever happens.
//
//   node scripts/fs-matrix.mjs            # every file system
//   DW_FS=xfs,tmpfs node scripts/fs-matrix.mjs
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const ALL = ['ext4', 'xfs', 'btrfs', 'overlay', 'tmpfs']
const wanted = (process.env.DW_FS ?? ALL.join(',')).split(',')
/** The vitest files that exercise the file system itself, run on each mount. */
const VITEST_FILES = [
  'test/reliability/kill.test.ts',
  'test/txn/kill.test.ts',
  'test/core/faults.test.ts',
  'test/txn/faults.test.ts',
]

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'pipe', encoding: 'utf8' })
const why = (err) => (err.stderr?.toString().trim() || err.message).split('\n')[0]

function report(rows) {
  console.log('\nfile-system matrix:')
  console.log('| file system | portable contract suite | kill loops and fault suites |')
  console.log('| --- | --- | --- |')
  for (const r of rows) console.log(`| ${r.fs} | ${r.portable} | ${r.vitest} |`)
}

if (process.platform !== 'linux' || process.getuid?.() !== 0) {
  console.log(
    `file-system matrix: not measured (${process.platform === 'linux' ? 'needs root to mount' : 'Linux only'})`,
  )
  process.exit(0)
}

// xfsprogs and btrfs-progs come from Debian's packages; fetched only when missing.
const missing = [
  ['mkfs.xfs', 'xfsprogs'],
  ['mkfs.btrfs', 'btrfs-progs'],
].filter(([cmd, _]) => wanted.includes(cmd.slice(5)) && !has(cmd))
if (missing.length > 0 && has('apt-get')) {
  const pkgs = missing.map(([, pkg]) => pkg)
  console.log(`file-system matrix: installing ${pkgs.join(', ')} (apt-get)`)
  spawnSync('apt-get', ['install', '-y', '-q', ...pkgs], { stdio: 'ignore' })
}

const base = mkdtempSync(join(tmpdir(), 'dw-fs-matrix-'))
const mounts = []
const rows = []
let failed = 0

/** Makes and mounts `fs` below `base`; returns the directory to test in, or throws why it cannot. */
function mount(fs) {
  const dir = join(base, fs)
  mkdirSync(dir)
  if (fs === 'tmpfs') {
    run('mount', ['-t', 'tmpfs', '-o', 'size=256M', 'tmpfs', dir])
    mounts.push(dir)
    return dir
  }
  if (fs === 'overlay') {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d))
    // A file in the lower layer, as a container image holds: writes over it go to the upper layer.
    writeFileSync(join(dir, 'lower', 'from-the-image.txt'), 'lower\n')
    const opts = `lowerdir=${join(dir, 'lower')},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`
    run('mount', ['-t', 'overlay', 'overlay', '-o', opts, join(dir, 'merged')])
    mounts.push(join(dir, 'merged'))
    return join(dir, 'merged')
  }
  if (!has(`mkfs.${fs}`)) throw new Error(`mkfs.${fs} is not installed`)
  const image = join(base, `${fs}.img`)
  run('truncate', ['-s', '400M', image])
  run(`mkfs.${fs}`, ['-q', image])
  run('mount', ['-o', 'loop', image, dir])
  mounts.push(dir)
  return dir
}

function unmountAll() {
  for (const dir of mounts.reverse()) {
    if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir])
  }
  rmSync(base, { recursive: true, force: true })
}

/** Runs `node ...args` in the package root; resolves with its exit status and output. */
function node(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr += c
    })
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

async function testOn(fs, dir) {
  const tmp = join(dir, 'tmp')
  mkdirSync(tmp, { mode: 0o1777 })
  const env = { ...process.env, TMPDIR: tmp, DW_KILL_ITERATIONS: process.env.DW_KILL_ITERATIONS ?? '10' }
  const portable = await node(['test/portable/suite.mjs'], env)
  const results = portable.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => !r.summary)
  const bad = results.filter((r) => !r.ok)
  for (const r of bad) console.log(`${fs}: FAIL ${r.case}\n  ${r.error}`)
  const vitest = await node(['node_modules/vitest/vitest.mjs', 'run', ...VITEST_FILES], env)
  const plain = vitest.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
  const summary = /Tests\s+(.*)/.exec(plain)?.[1]?.trim()
  if (vitest.status !== 0) console.log(`${fs}:`, plain.slice(-4000), vitest.stderr.slice(-2000))
  const ok = portable.status === 0 && bad.length === 0 && vitest.status === 0
  return {
    ok,
    portable: `${results.length - bad.length} of ${results.length} passed`,
    vitest: vitest.status === 0 ? `passed (${summary})` : `FAILED (${summary ?? 'no summary'})`,
  }
}

/** File systems tested at once: the runs wait on syncs and on killed children more than on the CPU. */
const PARALLEL = Number(process.env.DW_FS_PARALLEL ?? 3)
try {
  const ready = []
  for (const fs of wanted) {
    if (!ALL.includes(fs)) throw new Error(`Unknown file system ${fs}; known: ${ALL.join(', ')}.`)
    try {
      const dir = mount(fs)
      const type = run('findmnt', ['-n', '-o', 'FSTYPE', '--target', dir]).trim()
      console.log(`file-system matrix: ${fs} (${type}) at ${dir}`)
      ready.push({ fs, type, dir })
    } catch (err) {
      console.log(`file-system matrix: ${fs} not measured: ${why(err)}`)
      rows.push({ fs, portable: `not measured (${why(err)})`, vitest: 'not measured' })
    }
  }
  const queue = [...ready]
  const done = []
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const r = await testOn(next.fs, next.dir)
      if (!r.ok) failed++
      done.push({
        order: ready.indexOf(next),
        fs: `${next.fs} (${next.type})`,
        portable: r.portable,
        vitest: r.vitest,
      })
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker))
  rows.push(...done.sort((a, b) => a.order - b.order))
} finally {
  unmountAll()
}
report(rows)
process.exitCode = failed === 0 ? 0 : 1
