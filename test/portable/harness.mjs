// A small test harness that runs unchanged on Node, Bun and Deno: the portable contract suite does
// not depend on vitest, which not every runtime can run.
import { spawn } from 'node:child_process'
import { mkdtempSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The command that runs a script under this same runtime: PORTABLE_RUNTIME (a JSON array) or this executable. */
export const runtime = process.env.PORTABLE_RUNTIME
  ? JSON.parse(process.env.PORTABLE_RUNTIME)
  : [process.execPath]

/** A fresh directory on the real disk. */
export function tempDir() {
  return realpathSync(mkdtempSync(join(tmpdir(), 'dw-portable-')))
}

export class AssertionError extends Error {}

export function equal(actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`)
}

export function ok(value, what) {
  if (!value) throw new AssertionError(`${what}: expected a true value, got ${JSON.stringify(value)}`)
}

/** Resolves with the error `fn` throws or rejects with; fails if it does not. */
export async function rejects(fn, what) {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new AssertionError(`${what}: expected an error`)
}

/**
 * Starts `script` under this runtime. Resolves `line(match)` when stdout prints a matching line;
 * `exited` with `{ code, signal, stdout, stderr }`.
 */
export function startScript(script, args = [], prefix = []) {
  const [cmd, ...rest] = [...prefix, ...runtime]
  const child = spawn(cmd, [...rest, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const waiters = []
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    stdout += chunk
    for (const w of [...waiters]) {
      if (stdout.split('\n').includes(w.match)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      for (const w of waiters.splice(0))
        w.reject(new Error(`${script} exited before "${w.match}": ${stderr}`))
      resolve({ code, signal, stdout, stderr })
    })
  })
  return {
    child,
    exited,
    line(match) {
      if (stdout.split('\n').includes(match)) return Promise.resolve()
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }))
    },
  }
}

/** Runs every case in order; prints one JSON line per case and a summary; returns the failure count. */
export async function run(cases, only) {
  let failed = 0
  const report = {}
  for (const [name, fn] of Object.entries(cases)) {
    if (only && !name.includes(only)) continue
    try {
      const result = await fn()
      report[name] = result ?? null
      console.log(JSON.stringify({ case: name, ok: true, result: result ?? null }))
    } catch (err) {
      failed++
      console.log(JSON.stringify({ case: name, ok: false, error: String(err?.stack ?? err) }))
    }
  }
  console.log(JSON.stringify({ summary: true, failed, passed: Object.keys(report).length }))
  return failed
}
