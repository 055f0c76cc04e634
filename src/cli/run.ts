import { COMMON_OPTIONS, EXIT, parseCommandArgs, UsageError } from './args.js'
import type { Command } from './command.js'
import { editCommand } from './commands/edit.js'
import { recoverCommand } from './commands/recover.js'
import { shimCommand } from './commands/shim.js'
import { verifyCommand } from './commands/verify.js'
import { versionCommand } from './commands/version.js'
import { writeCommand } from './commands/write.js'
import { commandHelp, globalHelp } from './help.js'
import { type Io, println } from './io.js'
import { packageVersion } from './package-version.js'
import { reportError } from './report-error.js'

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  writeCommand,
  editCommand,
  verifyCommand,
  recoverCommand,
  versionCommand,
  shimCommand,
]

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help'
}

/** Runs the CLI with `argv` (without `node` and the script); resolves with the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv
  const json = rest.includes('--json') || name === '--json'
  try {
    if (name === undefined) {
      throw new UsageError(`Missing command. Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`)
    }
    if (name === '--version' || name === '-V') {
      println(io, packageVersion())
      return EXIT.ok
    }
    if (isHelp(name)) {
      const topic = COMMANDS.find((c) => c.name === rest[0])
      io.stdout.write(topic ? commandHelp(topic) : globalHelp(COMMANDS))
      return EXIT.ok
    }
    const command = COMMANDS.find((c) => c.name === name)
    if (!command) {
      const commands = `Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`
      if (!name.startsWith('-')) throw new UsageError(`Unknown command '${name}'. ${commands}`)
      const known = name.replace(/^-+/, '') in COMMON_OPTIONS
      throw new UsageError(
        known
          ? `${name} goes after a command: durable-write <command> ${name}. ${commands}`
          : `Unknown option '${name}'.`,
      )
    }
    const args = parseCommandArgs(command, rest)
    if (args === 'help') {
      io.stdout.write(commandHelp(command))
      return EXIT.ok
    }
    return await command.run(args, io)
  } catch (err) {
    return reportError(err, io, json)
  }
}
