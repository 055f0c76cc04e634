import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packageRoot } from './children.js'
import { tempDir } from './tmp.js'

/** Why strace cannot inject faults here, or undefined when it can. */
export const straceMissing: string | undefined = (() => {
  try {
    execFileSync('strace', ['-qq', '-e', 'trace=none', '-e', 'inject=rmdir:error=EIO:when=1', 'true'], {
      stdio: 'ignore',
    })
    return undefined
  } catch (err) {
    return `strace cannot trace and inject here (${(err as Error).message.split('\n')[0]})`
  }
})()

/** What a traced child printed, with the lines of the trace. */
export interface Traced {
  status: number | null
  stdout: string
  stderr: string
  /** strace's lines, one per traced call. */
  trace: string[]
}

/**
 * Runs `node <script> ...args` under strace, tracing `calls` and injecting `inject` (strace's
 * `-e inject=` syntax, e.g. `unlink:error=EIO:when=1`). One libuv thread keeps the count of calls stable.
 */
export function traced(script: URL, args: readonly string[], calls: string, inject: string): Traced {
  const log = join(tempDir('dw-strace-'), 'trace.log')
  const argv = ['-f', '-qq', '-o', log, '-e', `trace=${calls}`, '-e', `inject=${inject}`]
  const run = spawnSync('strace', [...argv, process.execPath, fileURLToPath(script), ...args], {
    cwd: packageRoot,
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
    encoding: 'utf8',
  })
  const trace = readFileSync(log, 'utf8').split('\n').filter(Boolean)
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, trace }
}
