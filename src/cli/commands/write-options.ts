import type { WriteOptions } from '../../options.js'
import { flag, parseMode, stringOption } from '../args.js'
import type { Command, CommandArgs, OptionSpec } from '../command.js'

/** The write options `write` and `edit` share. */
export const WRITE_OPTION_SPEC: OptionSpec = {
  mode: { type: 'string' },
  fast: { type: 'boolean' },
  'if-match': { type: 'string' },
}

/** Help lines of {@link WRITE_OPTION_SPEC}. */
export const WRITE_OPTION_HELP = `  --mode <octal>       File mode of the result, e.g. 0644 (default: keep the file's mode;
                       a new file gets 0666 minus the umask)
  --fast               Skip the fsyncs: atomic against a crash of the process, not of the
                       machine (durability 'fast')
  --if-match <version> Change the file only if its content still has this version (from
                       'durable-write version'); else fail with ERR_CONFLICT`

/** WriteOptions from the shared write flags. */
export function writeOptionsOf(args: CommandArgs, command: Command): WriteOptions {
  const options: WriteOptions = {}
  const mode = stringOption(args, 'mode')
  if (mode !== undefined) options.mode = parseMode(mode, command)
  if (flag(args, 'fast')) options.durability = 'fast'
  const ifMatch = stringOption(args, 'if-match')
  if (ifMatch !== undefined) options.ifMatch = ifMatch
  return options
}
