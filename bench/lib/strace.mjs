// Cross-checks WriteStats.ops of one durable write (T1, 1 KiB) against the system calls strace sees.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { childScript, runChild } from './child.mjs'
import { formatOps } from './ops.mjs'

const N = 50

function hasStrace() {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Syscalls per name on lines that name `root` (a path argument or an fd decoded by -y). */
function countCalls(file, root) {
  const counts = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\d+\s+([a-z0-9_]+)\(/.exec(line)
    if (!m || !line.includes(root)) continue
    counts[m[1]] = (counts[m[1]] ?? 0) + 1
  }
  return counts
}

async function traced(impl, n, dir) {
  const out = join(dir, `${impl}-${n}.strace`)
  const root = join(dir, `${impl}-${n}`)
  const result = await runChild(childScript('syscalls.mjs'), [impl, n, root], {
    prefix: ['strace', '-f', '-y', '-qq', '-e', 'trace=%file,%desc', '-o', out],
    env: { UV_USE_IO_URING: '0' },
  })
  return { counts: countCalls(out, root), ops: result.ops }
}

/** Per-write syscall counts of `impl`: (calls with N writes − calls with 0 writes) / N. */
async function perWrite(impl, dir) {
  const zero = await traced(impl, 0, dir)
  const many = await traced(impl, N, dir)
  const names = new Set([...Object.keys(zero.counts), ...Object.keys(many.counts)])
  const per = {}
  for (const name of names) {
    const d = ((many.counts[name] ?? 0) - (zero.counts[name] ?? 0)) / N
    if (d !== 0) per[name] = d
  }
  return { per, ops: many.ops }
}

const sum = (per, names) => names.reduce((a, n) => a + (per[n] ?? 0), 0)

/** Runs the cross-check; returns `{ available, lines (markdown), data }`. */
export async function straceCrossCheck(dir) {
  if (!hasStrace()) {
    return {
      available: false,
      lines: ['strace not available: the op counts were not cross-checked against system calls in this run.'],
    }
  }
  try {
    mkdirSync(dir, { recursive: true })
    const dw = await perWrite('dw', dir)
    const raw = await perWrite('raw', dir)
    const ops = dw.ops
    const pairs = [
      ['file + directory fsyncs', ['fsync', 'fdatasync'], ops.fsyncs + ops.dirFsyncs],
      ['writes', ['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2'], ops.writes],
      ['renames', ['rename', 'renameat', 'renameat2'], ops.renames],
      ['reads', ['read', 'pread64', 'readv', 'preadv'], ops.reads],
      ['unlinks', ['unlink', 'unlinkat'], ops.unlinks],
      ['mkdirs', ['mkdir', 'mkdirat'], ops.mkdirs],
    ]
    const checks = pairs.map(([what, names, expected]) => {
      const seen = sum(dw.per, names)
      return { what, syscalls: names.filter((n) => dw.per[n]), expected, seen, pass: seen === expected }
    })
    const names = [...new Set([...Object.keys(dw.per), ...Object.keys(raw.per)])].sort()
    const rows = names.map((n) => {
      const a = dw.per[n] ?? 0
      const b = raw.per[n] ?? 0
      return `| ${n} | ${a} | ${b} | ${a - b > 0 ? '+' : ''}${a - b} |`
    })
    const total = (per) => Object.values(per).reduce((a, b) => a + b, 0)
    const lines = [
      `Each implementation made ${N} sequential 1 KiB writes to one path under \`strace -f -y\` (libuv io_uring off, ` +
        'so every file operation is a system call); a run with 0 writes was subtracted, and only calls naming the ' +
        'bench directory (a path argument or a descriptor) were counted. Calls without a path (getrandom, futex, ' +
        'eventfd wake-ups) are not attributed.',
      '',
      `WriteStats.ops of the traced durable-write call: ${formatOps(ops)}.`,
      '',
      ...checks.map(
        (c) =>
          `- ${c.pass ? '✅' : '❌'} ${c.what}: WriteStats ${c.expected}, strace ${c.seen} per write (${c.syscalls.join(', ') || 'none'})`,
      ),
      '',
      '| syscall (per write) | durable-write | raw-durable | extra |',
      '| --- | --- | --- | --- |',
      ...rows,
      `| **total** | **${total(dw.per)}** | **${total(raw.per)}** | **${total(dw.per) - total(raw.per)}** |`,
    ]
    return { available: true, lines, data: { n: N, durableWrite: dw, raw: raw.per, checks } }
  } catch (err) {
    return { available: false, lines: [`strace cross-check failed: ${err.message}`], error: err.message }
  }
}

/** One sentence naming the system calls per write durable-write makes beyond the raw sequence. */
export function extraSyscalls(strace) {
  const dwPer = strace?.data?.durableWrite?.per
  const rawPer = strace?.data?.raw
  if (!dwPer || !rawPer) return 'Extra system calls: not listed, strace was not available'
  const extra = Object.keys({ ...dwPer, ...rawPer })
    .map((n) => [n, (dwPer[n] ?? 0) - (rawPer[n] ?? 0)])
    .filter(([, d]) => d !== 0)
    .map(([n, d]) => `${n} ${d > 0 ? '+' : ''}${d}`)
  return `System calls per write beyond the raw sequence (strace): ${extra.join(', ') || 'none'}`
}
