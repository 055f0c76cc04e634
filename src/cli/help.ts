import type { Command } from './command.js'

const EXIT_CODES = `Exit codes:
  0  success
  1  the operation failed: a check found problems, a conflict (ERR_CONFLICT), an edit that
     could not be applied (ERR_EDIT_*), or a system error (ENOENT, EACCES, ...)
  2  usage error: unknown command or option, missing or invalid argument

Errors are printed on stderr as one line: durable-write: <message> (<code>).
With --json, a failure also prints {"error": {"code", "message", ...}} on stdout; a usage
error has the code ERR_USAGE.`

const COMMON = `Common options:
  --json       Print the result as one JSON object on stdout
  -h, --help   Show this help`

/** The `--help` text of a command. */
export function commandHelp(command: Command): string {
  return `${command.help.trim()}\n\n${COMMON}\n\n${EXIT_CODES}\n`
}

/** The first line of a command's help: its usage line. */
export function usageLine(command: Command): string {
  return command.help.trim().split('\n')[0]!
}

/** `durable-write --help`. */
export function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length + c.positionals.name.length + 1))
  const list = commands
    .map((c) => `  ${`${c.name} ${c.positionals.name}`.padEnd(width)}  ${c.summary}`)
    .join('\n')
  return `durable-write: atomic, durable file writes from the command line

Usage: durable-write <command> [options]

Commands:
${list}

Run 'durable-write <command> --help' for a command's options.

${COMMON}
  --version    Print the version of durable-write (durable-write --version)

${EXIT_CODES}
`
}
