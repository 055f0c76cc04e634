import { resolve } from 'node:path'
import { recover } from '../../api.js'
import { nodeFs } from '../../fs/node-fs.js'
import { EXIT } from '../args.js'
import type { Command } from '../command.js'
import { printJson, println } from '../io.js'

/** `durable-write recover <dir>`: finish or undo interrupted transactions, remove leftover temps. */
export const recoverCommand: Command = {
  name: 'recover',
  summary: 'Finish or undo interrupted transactions around <dir>; remove temps of dead writers',
  help: `Usage: durable-write recover <dir> [options]

Recovers <dir> after a crash, whichever directory of the tree it is: every journal that may own
a temp file in <dir> (the .durable-write directories in <dir>, below it and in its ancestors) is
recovered under its lock. Transactions that reached their commit point are completed (rolled
forward), the others are undone (rolled back). A file written again after its transaction failed
is never overwritten: it is reported as a conflict and the transaction's content is kept in the
journal's conflicts directory. Then the temp files of durable-write's naming below <dir> whose
writers are gone are removed; a live writer's temp is left alone. No other file is ever deleted.
A manifest that names anything outside its journal's directory is refused (ERR_JOURNAL_CORRUPT)
and nothing is touched. Safe to run again, and while other processes write.

Prints what was done: transactions rolled forward and back, temp files removed, conflicts. A
directory that does not exist has nothing to recover (all zeros, exit 0), as for recover().`,
  options: {},
  positionals: { min: 1, max: 1, name: '<dir>' },
  async run(args, io) {
    const dir = resolve(io.cwd, args.positionals[0]!)
    // As recover() does, a missing directory has nothing to recover; a file is a mistake.
    const st = await nodeFs()
      .stat(dir)
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined
        throw err
      })
    if (st !== undefined && !st.isDirectory()) {
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
      for (const c of report.conflicts) {
        println(
          io,
          c.reason === 'temp-missing'
            ? `Conflict: ${c.path} still holds its old content, but the temp file with transaction ${c.txid}'s new content is gone; restore the file from a backup if it must match the rest of the transaction.`
            : c.kept === undefined
              ? `Conflict: ${c.path} was written again after transaction ${c.txid} meant to remove it; it was kept.`
              : `Conflict: ${c.path} was written again after transaction ${c.txid}; it was kept, and the transaction's content is in ${c.kept}.`,
        )
      }
    }
    return EXIT.ok
  },
}
