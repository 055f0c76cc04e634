import { parseArgs } from 'node:util'
import type { Command, CommandArgs, OptionSpec } from './command.js'

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** A check found problems, or the requested change could not be made. */
  failed: 1,
  /** The command line is wrong: unknown command or option, missing or invalid argument. */
  usage: 2,
} as const

/** The command line is wrong (exit code 2); the message says what to change. */
export class UsageError extends Error {
  /** The command whose usage to show, if known. */
  readonly command: Command | undefined

  constructor(message: string, command?: Command) {
    super(message)
    this.name = 'UsageError'
    this.command = command
  }
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

/** Parsed arguments of a command, or `'help'` when `--help` was given. */
export function parseCommandArgs(command: Command, argv: readonly string[]): CommandArgs | 'help' {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, ...COMMON_OPTIONS },
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    throw new UsageError(parseErrorMessage(err), command)
  }
  const { values, positionals } = parsed
  if (values.help === true) return 'help'
  const { min, max, name } = command.positionals
  if (positionals.length < min) {
    throw new UsageError(`${command.name} needs ${name}.`, command)
  }
  if (positionals.length > max) {
    const extra = positionals.slice(max).map((p) => `'${p}'`)
    throw new UsageError(
      `${command.name} takes ${max === 0 ? 'no' : `only ${name} as`} argument; unexpected ${extra.join(', ')}.`,
      command,
    )
  }
  return { values, positionals, json: values.json === true }
}

/** One sentence for a `util.parseArgs` error (whose own messages run over several lines). */
function parseErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown }).code
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? 'option'
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown option '${option}'.`
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message.includes('does not take an argument')) return `Option '${option}' takes no value.`
    if (message.includes('ambiguous')) {
      return `Option '${option}' needs a value; to pass one that starts with '-', write ${option}=<value>.`
    }
    return `Option '${option}' needs a value.`
  }
  return message.split('\n')[0]!
}

/** A string option, or undefined when absent. */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' ? value : undefined
}

/** Every value of a repeatable string option, in command-line order. */
export function stringsOption(args: CommandArgs, name: string): string[] {
  const value = args.values[name]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')
}

/** True when a boolean option was given. */
export function flag(args: CommandArgs, name: string): boolean {
  return args.values[name] === true
}

/** Parses `--mode`: octal digits as chmod takes them (`644`, `0644`, `0o644`). */
export function parseMode(text: string, command: Command): number {
  const match = /^(?:0o?)?([0-7]{1,4})$/.exec(text)
  if (!match) {
    throw new UsageError(`--mode must be an octal file mode such as 0644, got '${text}'.`, command)
  }
  return Number.parseInt(match[1]!, 8)
}
