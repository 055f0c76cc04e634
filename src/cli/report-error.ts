import { EXIT, UsageError } from './args.js'
import { type Io, printJson } from './io.js'

const ARGUMENT_CODES = new Set(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE'])

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** The exit code for a failure: 2 for a wrong command line or argument, else 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage
  return ARGUMENT_CODES.has(codeOf(err) ?? '') ? EXIT.usage : EXIT.failed
}

/** One line: the message, then the code unless the message already names it. */
export function errorLine(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!
  const code = codeOf(err)
  return `durable-write: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`
}

/** The error as a plain object for `--json`: code, message and the error's own details. */
export function errorJson(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) }
  if (err instanceof UsageError) {
    const usage = { name: err.name, code: USAGE_CODE, message: err.message, help: helpCommand(err) }
    return err.command ? { ...usage, command: err.command.name } : usage
  }
  const out: Record<string, unknown> = { name: err.name, code: codeOf(err), message: err.message }
  for (const [key, value] of Object.entries(err)) {
    if (key !== 'stack' && typeof value !== 'function') out[key] = value
  }
  if (err.cause !== undefined) out.cause = err.cause instanceof Error ? err.cause.message : err.cause
  return out
}

/** The code of a usage error in `--json` output (exit code 2). */
export const USAGE_CODE = 'ERR_USAGE'

/** The command that shows the usage a usage error refers to. */
function helpCommand(err: UsageError): string {
  return err.command ? `durable-write ${err.command.name} --help` : 'durable-write --help'
}

/**
 * Reports a failure: one line on stderr (a usage error adds where to find the usage), and with
 * `--json` the error as JSON on stdout; returns the exit code.
 */
export function reportError(err: unknown, io: Io, json: boolean): number {
  const usage = err instanceof UsageError ? ` Run '${helpCommand(err)}' for usage.` : ''
  io.stderr.write(`${errorLine(err)}${usage}\n`)
  if (json) printJson(io, { error: errorJson(err) })
  return exitCodeFor(err)
}
