// Runs a bench child process and returns the JSON object it prints last on stdout.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Absolute path of a script in bench/children/. */
export const childScript = (name) => fileURLToPath(new URL(`../children/${name}`, import.meta.url))

/**
 * Spawns `node [execArgv] script [args]`; resolves with the parsed last stdout line.
 * @param options `{ execArgv = [], env = {}, timeoutMs = 600000, command = process.execPath, prefix = [] }`
 *   `prefix` runs the command under another program (e.g. strace).
 */
export function runChild(script, args = [], options = {}) {
  const { execArgv = [], env = {}, timeoutMs = 600_000, prefix = [] } = options
  const argv = [...prefix, process.execPath, ...execArgv, script, ...args.map(String)]
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const last = out.trim().split('\n').pop()
      if (code !== 0) {
        reject(
          new Error(`${script} exited with ${signal ?? code}: ${err.trim().split('\n').slice(-3).join(' ')}`),
        )
        return
      }
      try {
        resolve(JSON.parse(last))
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-200)} ${err.slice(-200)}`))
      }
    })
  })
}

/** Prints `value` as the child's result line. */
export const reply = (value) => process.stdout.write(`${JSON.stringify(value)}\n`)
