import { resolve } from 'node:path'
import { recover } from '../../api.js'
import { nodeFs } from '../../fs/node-fs.js'
import { EXIT } from '../args.js'
import type { Command } from '../command.js'
import { printJson, println } from '../io.js'

/** `durable-write recover <dir>`: finish or undo interrupted transactions, remove leftover temps. */
export const recoverCommand: Command = {
  name: 'recover',
  summary: 'Finish or undo interrupted transactions in <dir>; remove leftover temp files',
  help: `Usage: durable-write recover <dir> [options]

Recovers <dir> after a crash: transactions journaled in <dir>/.durable-write that reached their
commit point are completed (rolled forward), the others are undone (rolled back), and leftover
temp files of durable-write's naming (.<name>.<16 hex digits>[.<writer>].dwtmp) below <dir> are
removed.
No other file is ever deleted. Safe to run again; run it while nothing writes into <dir>.

Prints what was done: transactions rolled forward and back, temp files removed.`,
  options: {},
  positionals: { min: 1, max: 1, name: '<dir>' },
  async run(args, io) {
    const dir = resolve(io.cwd, args.positionals[0]!)
    // recover() treats a missing directory as nothing to do; on the command line it is a mistake.
    if (!(await nodeFs().stat(dir)).isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, recover '${dir}'`), {
        code: 'ENOTDIR',
        path: dir,
      })
    }
    const report = await recover(dir)
    if (args.json) printJson(io, report)
    else {
      println(
        io,
        `Recovered ${dir}: ${report.rolledForward} rolled forward, ${report.rolledBack} rolled back, ${report.tempFilesRemoved} temp files removed.`,
      )
    }
    return EXIT.ok
  },
}
