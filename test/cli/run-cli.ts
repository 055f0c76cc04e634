import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root. */
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url))
/** The built CLI. */
export const cliPath = join(packageRoot, 'dist', 'cli.js')

const ENTRIES = ['cli.js', 'compat/write-file-atomic.cjs', 'compat/steno.js', 'compat/atomically.js']

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Builds dist/ when one of the entry points these tests run is missing (`npm test` builds first, so
 * this normally does nothing). Test files starting together build once, behind a guard directory.
 */
export function ensureBuiltEntries(): void {
  const missing = () => ENTRIES.some((e) => !existsSync(join(packageRoot, 'dist', e)))
  if (!missing()) return
  const guard = join(packageRoot, 'node_modules', '.durable-write-test-build')
  for (;;) {
    try {
      mkdirSync(guard)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const since = Date.now() - (statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (since > 120_000) rmSync(guard, { recursive: true, force: true })
      sleepSync(200)
    }
  }
  try {
    if (missing()) execFileSync('npx', ['tsup', '--silent'], { cwd: packageRoot, stdio: 'pipe' })
  } finally {
    rmSync(guard, { recursive: true, force: true })
  }
}

/** How a CLI run ended. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Standard input; empty when omitted. */
  input?: string | Buffer
  cwd?: string
}

/** Runs `node dist/cli.js ...args` in a real child process. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? packageRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.stdin.on('error', () => {})
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    )
    child.stdin.end(options.input ?? '')
  })
}

/** The one JSON object a `--json` run printed on stdout. */
export function jsonOf(result: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>
  } catch {
    throw new Error(
      `Expected one JSON object on stdout (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    )
  }
}
