import { resolve } from 'node:path'
import { writeFile } from '../../api.js'
import { EXIT } from '../args.js'
import type { Command } from '../command.js'
import { printJson, println } from '../io.js'
import { WRITE_OPTION_HELP, WRITE_OPTION_SPEC, writeOptionsOf } from './write-options.js'

/** `durable-write write <file>`: standard input to a file, atomically and durably. */
export const writeCommand: Command = {
  name: 'write',
  summary: 'Write standard input to <file> atomically and durably',
  help: `Usage: durable-write write <file> [options]

Reads standard input to its end and replaces <file> with it in one atomic step: a temp file
beside <file> is written and fsynced, renamed over <file>, and the directory is fsynced. Readers
see the old or the new content, never a mix; after a crash <file> holds one or the other.
Missing parent directories are created.

Options:
${WRITE_OPTION_HELP}

Examples:
  generate-config | durable-write write /etc/app/config.json --mode 0640
  durable-write write notes.md --if-match "$(durable-write version notes.md)" < new-notes.md`,
  options: WRITE_OPTION_SPEC,
  positionals: { min: 1, max: 1, name: '<file>' },
  async run(args, io) {
    const options = writeOptionsOf(args, this)
    if ((io.stdin as { isTTY?: boolean }).isTTY === true) {
      io.stderr.write('durable-write: reading standard input until end of file (Ctrl-D)…\n')
    }
    const stats = await writeFile(resolve(io.cwd, args.positionals[0]!), io.stdin, options)
    if (args.json) printJson(io, stats)
    else println(io, `Wrote ${stats.bytesWritten} bytes to ${stats.path} (${stats.durability}).`)
    return EXIT.ok
  },
}
