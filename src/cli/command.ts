import type { ParseArgsConfig } from 'node:util'
import type { Io } from './io.js'

/** Option definitions of a command, in `util.parseArgs` form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** What a command gets after its arguments were parsed and checked. */
export interface CommandArgs {
  /** Option values by name (`--dry-run` → `'dry-run'`). */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>
  readonly positionals: readonly string[]
  /** `--json`: print one JSON object on stdout. */
  readonly json: boolean
}

/** One subcommand of the `durable-write` CLI. */
export interface Command {
  readonly name: string
  /** One line for the command list of the global help. */
  readonly summary: string
  /** The full `--help` text, without the common options and exit codes. */
  readonly help: string
  /** Options besides `--json` and `--help`. */
  readonly options: OptionSpec
  /** Allowed number of positional arguments, and how the usage line names them. */
  readonly positionals: { readonly min: number; readonly max: number; readonly name: string }
  /** Runs the command; resolves with the exit code. Failures throw. */
  run(args: CommandArgs, io: Io): Promise<number>
}
