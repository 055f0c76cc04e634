import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildIfMissing } from '../helpers/children.js'

/** The package root. */
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url))
/** The built CLI. */
export const cliPath = join(packageRoot, 'dist', 'cli.js')

const ENTRIES = ['cli.js', 'compat/write-file-atomic.cjs', 'compat/steno.js', 'compat/atomically.js']

/** Builds dist/ when one of the entry points these tests run is missing (`npm test` builds first). */
export function ensureBuiltEntries(): void {
  buildIfMissing(ENTRIES)
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
