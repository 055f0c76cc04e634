import { resolve } from 'node:path'
import { multiEdit } from '../../api.js'
import type { Edit, EditResult } from '../../edit/types.js'
import { nodeFs } from '../../fs/node-fs.js'
import { EXIT, flag, stringOption, stringsOption, UsageError } from '../args.js'
import type { Command, CommandArgs } from '../command.js'
import { type Io, printJson, println, readAll } from '../io.js'
import { WRITE_OPTION_HELP, WRITE_OPTION_SPEC, writeOptionsOf } from './write-options.js'

async function readEditsFile(file: string, io: Io, command: Command): Promise<unknown> {
  const bytes = file === '-' ? await readAll(io.stdin) : await nodeFs().readFile(resolve(io.cwd, file))
  const name = file === '-' ? 'standard input' : file
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new UsageError(`--edits ${name} is not valid JSON: ${(err as Error).message}.`, command)
  }
}

/** The edits of the command line: from `--edits FILE`, or one per `--old`/`--new` pair. */
async function editsOf(args: CommandArgs, io: Io, command: Command): Promise<unknown> {
  const file = stringOption(args, 'edits')
  const olds = stringsOption(args, 'old')
  const news = stringsOption(args, 'new')
  if (file !== undefined) {
    if (olds.length > 0 || news.length > 0 || flag(args, 'all')) {
      throw new UsageError('Give either --edits or --old/--new (with --all), not both.', command)
    }
    return readEditsFile(file, io, command)
  }
  if (olds.length === 0 && news.length === 0) {
    throw new UsageError('edit needs --old and --new, or --edits FILE.', command)
  }
  if (olds.length !== news.length) {
    throw new UsageError(
      `Each --old needs a --new: got ${olds.length} --old and ${news.length} --new.`,
      command,
    )
  }
  const all = flag(args, 'all')
  return olds.map(
    (oldString, i): Edit => ({ oldString, newString: news[i]!, ...(all ? { replaceAll: true } : {}) }),
  )
}

function summary(result: EditResult): string {
  const count = result.applied.reduce((sum, a) => sum + a.count, 0)
  const lines = result.applied.flatMap((a) => a.lines)
  const edits = `${result.applied.length} edit${result.applied.length === 1 ? '' : 's'}`
  const replaced = `${count} replacement${count === 1 ? '' : 's'}`
  const at = lines.length > 0 ? ` at line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}` : ''
  return `Edited ${result.path}: ${edits}, ${replaced}${at}.`
}

/** `durable-write edit <file>`: exact-text replacements, all or nothing. */
export const editCommand: Command = {
  name: 'edit',
  summary: 'Replace exact text in <file>: every edit applies, or none',
  help: `Usage: durable-write edit <file> (--old <text> --new <text> [--all] | --edits <file.json>) [options]

Applies exact-text replacements to <file>, each matched against the file as read (never against
an earlier edit's result), then writes the result in one atomic, durable step. If any edit cannot be applied, nothing is written and the error says why
(ERR_EDIT_NOT_FOUND with the closest text, ERR_EDIT_AMBIGUOUS with the matching lines, ...).
Each old text must occur exactly once unless --all (or replaceAll/expectedCount) says otherwise.
CRLF and LF count as the same line ending; the file keeps its line endings and byte order mark.

Options:
  --old <text>         Text to replace (repeat --old/--new for several edits)
  --new <text>         Replacement text (may be empty)
  --all                Replace every occurrence of each --old text (at least one)
  --edits <file.json>  Read the edits from a JSON array of
                       {"oldString", "newString", "replaceAll"?, "expectedCount"?}; '-' reads
                       standard input
  --dry-run            Print the unified diff of the change and write nothing
${WRITE_OPTION_HELP}

A value that starts with '-' is passed as --old=<text>.

Examples:
  durable-write edit app.ts --old 'port = 80' --new 'port = 8080'
  durable-write edit README.md --old 'v1' --new 'v2' --all --dry-run
  durable-write edit config.yml --edits changes.json --json`,
  options: {
    old: { type: 'string', multiple: true },
    new: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    edits: { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...WRITE_OPTION_SPEC,
  },
  positionals: { min: 1, max: 1, name: '<file>' },
  async run(args, io) {
    const options = writeOptionsOf(args, this)
    const edits = await editsOf(args, io, this)
    const dryRun = flag(args, 'dry-run')
    const result = await multiEdit(resolve(io.cwd, args.positionals[0]!), edits as Edit[], {
      ...options,
      dryRun,
    })
    if (args.json) printJson(io, result)
    else if (dryRun) io.stdout.write(result.diff)
    else println(io, summary(result))
    return EXIT.ok
  },
}
