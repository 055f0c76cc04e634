import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'

/** The package root: child processes import the built package (`durable-write` → dist/). */
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url))

/** How a child process ended, with everything it printed. */
export interface ChildExit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A running child process that talks to the test in lines over stdin and stdout. */
export interface Child {
  readonly pid: number
  /** Resolves with the first stdout line (whole line) that equals or matches `match`; rejects if the child exits first. */
  line(match: string | RegExp): Promise<string>
  /** Writes one line to the child's stdin. */
  send(line: string): void
  /** Sends a signal to the child. */
  kill(signal: NodeJS.Signals): void
  /** Settles when the child has exited (never rejects). */
  readonly exited: Promise<ChildExit>
  /** True until the child has exited. */
  readonly running: boolean
}

const live = new Set<ChildProcess>()

/** Kills (SIGKILL) every child a test left running and waits for it, so none outlives its test. */
async function killLeftovers(): Promise<void> {
  const waits = [...live].map(
    (proc) =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve())
        proc.kill('SIGKILL')
      }),
  )
  await Promise.all(waits)
}

afterEach(killLeftovers)

/**
 * Starts `node <script> ...args` with the package root as working directory. Every child started here
 * is killed after the test if it is still running.
 */
export function startChild(
  script: URL | string,
  args: readonly string[] = [],
  /** A command that runs node, e.g. `['unshare', '--pid', '--fork']`. */
  prefix: readonly string[] = [],
): Child {
  const path = typeof script === 'string' ? script : fileURLToPath(script)
  const argv = [...prefix, process.execPath, path, ...args]
  const proc = spawn(argv[0] as string, argv.slice(1), { cwd: packageRoot, stdio: ['pipe', 'pipe', 'pipe'] })
  if (proc.pid === undefined) throw new Error(`Could not start ${path}.`)
  live.add(proc)
  let stdout = ''
  let stderr = ''
  let running = true
  const waiters: { match: string | RegExp; resolve: (line: string) => void; reject: (err: Error) => void }[] =
    []
  const matches = (line: string, match: string | RegExp) =>
    typeof match === 'string' ? line === match : match.test(line)
  const lines = () => stdout.split('\n').slice(0, -1)

  proc.stdout.setEncoding('utf8')
  proc.stderr.setEncoding('utf8')
  proc.stdout.on('data', (chunk: string) => {
    stdout += chunk
    for (const waiter of [...waiters]) {
      const found = lines().find((l) => matches(l, waiter.match))
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(found)
      }
    }
  })
  proc.stderr.on('data', (chunk: string) => {
    stderr += chunk
  })
  // A child that exits early closes its stdin; writing to it must not fail the test process.
  proc.stdin.on('error', () => {})

  const exited = new Promise<ChildExit>((resolve) => {
    proc.once('close', (code, signal) => {
      running = false
      live.delete(proc)
      const exit = { code, signal, stdout, stderr }
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(`${path} exited (${code ?? signal}) before printing ${waiter.match}:\n${stderr}`),
        )
      }
      resolve(exit)
    })
  })

  return {
    pid: proc.pid,
    line(match) {
      const found = lines().find((l) => matches(l, match))
      if (found !== undefined) return Promise.resolve(found)
      if (!running) return Promise.reject(new Error(`${path} exited before printing ${match}:\n${stderr}`))
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }))
    },
    send(line) {
      proc.stdin.write(`${line}\n`)
    },
    kill(signal) {
      proc.kill(signal)
    },
    exited,
    get running() {
      return running
    },
  }
}

/** Waits for a child to exit with code 0 and returns its stdout; otherwise fails with its stderr. */
export async function succeeded(child: Child): Promise<string> {
  const exit = await child.exited
  if (exit.code !== 0) {
    throw new Error(`A child process failed (${exit.code ?? exit.signal}):\n${exit.stderr}\n${exit.stdout}`)
  }
  return exit.stdout
}

function isBuilt(entries: readonly string[]): boolean {
  return entries.every((e) => existsSync(join(packageRoot, 'dist', e)))
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Builds the package when dist/index.js is missing (usable as a vitest hook: it takes no argument). */
export function ensureBuilt(): void {
  buildIfMissing(['index.js'])
}

/**
 * Builds the package when one of `entries` is missing from dist/, for child processes that run it.
 * `npm test` builds before running the tests, so this normally does nothing; test files running in
 * parallel build once, behind a guard directory.
 */
export function buildIfMissing(entries: readonly string[]): void {
  if (isBuilt(entries)) return
  const guard = join(packageRoot, 'node_modules', '.durable-write-test-build')
  for (;;) {
    try {
      mkdirSync(guard)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      // Another test file is building; a guard left by a killed build expires after two minutes.
      const since = Date.now() - (statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (since > 120_000) rmSync(guard, { recursive: true, force: true })
      sleepSync(200)
    }
  }
  try {
    if (!isBuilt(entries)) execFileSync('npx', ['tsup', '--silent'], { cwd: packageRoot, stdio: 'pipe' })
  } finally {
    rmSync(guard, { recursive: true, force: true })
  }
}
