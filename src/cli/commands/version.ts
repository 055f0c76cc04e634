import { resolve } from 'node:path'
import { readVersioned } from '../../api.js'
import { EXIT } from '../args.js'
import type { Command } from '../command.js'
import { printJson, println } from '../io.js'

/** `durable-write version <file>`: the version token of a file's content. */
export const versionCommand: Command = {
  name: 'version',
  summary: "Print the version token of <file>'s content (for --if-match)",
  help: `Usage: durable-write version <file> [options]

Prints the version of <file>'s current content: an opaque token that is equal for equal bytes
(a SHA-256 digest). Pass it to 'write' or 'edit' with --if-match to change the file only if
nobody changed it in between.

Example:
  v=$(durable-write version notes.md)
  durable-write edit notes.md --old 'draft' --new 'final' --if-match "$v"`,
  options: {},
  positionals: { min: 1, max: 1, name: '<file>' },
  async run(args, io) {
    const { version } = await readVersioned(resolve(io.cwd, args.positionals[0]!))
    if (args.json) printJson(io, { version })
    else println(io, version)
    return EXIT.ok
  },
}
