import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { nodeFs } from '../../fs/node-fs.js'
import { EXIT } from '../args.js'
import type { Command } from '../command.js'
import { printJson, println } from '../io.js'
import { leftoversOf, shellWord } from '../verify/leftovers.js'
import { progressOn } from '../verify/progress.js'
import { type Problem, verifyPaths } from '../verify/scan.js'

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

function problemLine(problem: Problem, cwd: string): string {
  const message = problem.message.startsWith(`${problem.path} `)
    ? problem.message.slice(problem.path.length + 1)
    : problem.message
  return `${problem.kind} ${shown(problem.path, cwd)}: ${message}`
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** `durable-write verify [paths...]`: checks that files are whole and nothing was left behind. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check for unparsable JSON, leftover temp files and unfinished transactions',
  help: `Usage: durable-write verify [paths...] [options]

Checks the files and directories given (default: the current directory), recursively, without
following symlinks below them and without entering node_modules or .git unless named:
  invalid-json            a *.json file does not parse (tsconfig*.json, jsconfig*.json and
                          .vscode/ files may hold comments and trailing commas)
  temp-file               a temp file of durable-write's naming (.<name>.<16 hex>.<writer>.dwtmp)
                          was left by an interrupted write
  unfinished-transaction  a transaction manifest remains in a .durable-write journal directory
  unreadable              a path could not be read
Lists every problem and exits with 1 if there is any. Temp files and unfinished transactions
are grouped by directory, followed by the one 'durable-write recover <dir>' command that cleans
up all of them. A write in progress has a temp file too: verify while nothing writes. Progress
is shown on stderr when it is a terminal.

With --json, prints {"ok", "checked": {"files", "jsonFiles", "directories"}, "problems": [...],
"leftovers": [{"dir", "tempFiles", "unfinishedTransactions"}], "fix": "durable-write recover <dir>"
or null}.`,
  options: {},
  positionals: { min: 0, max: Number.POSITIVE_INFINITY, name: '[paths...]' },
  async run(args, io) {
    const paths = args.positionals.length > 0 ? args.positionals.map((p) => resolve(io.cwd, p)) : [io.cwd]
    const progress = progressOn(io.stderr)
    let report: ReturnType<typeof verifyPaths>
    try {
      report = verifyPaths(paths, nodeFs(), (checked) => progress.tick(checked))
    } finally {
      progress.done()
    }
    const leftovers = leftoversOf(report.problems)
    const fix = (dir: string) => `durable-write recover ${shellWord(dir)}`
    if (args.json) {
      const { recoverDir } = leftovers
      printJson(io, {
        ...report,
        leftovers: leftovers.groups,
        fix: recoverDir === undefined ? null : fix(recoverDir),
      })
    } else {
      for (const problem of report.problems) {
        if (problem.recoverDir === undefined) println(io, problemLine(problem, io.cwd))
      }
      for (const group of leftovers.groups) {
        const counts = [
          group.tempFiles > 0 ? plural(group.tempFiles, 'temp file') : '',
          group.unfinishedTransactions > 0
            ? plural(group.unfinishedTransactions, 'unfinished transaction')
            : '',
        ]
        println(io, `leftovers in ${shown(group.dir, io.cwd)}: ${counts.filter(Boolean).join(', ')}`)
        for (const problem of report.problems) {
          const inGroup =
            problem.recoverDir !== undefined &&
            (problem.kind === 'temp-file' ? dirname(problem.path) : problem.recoverDir) === group.dir
          if (inGroup) println(io, `  ${problem.kind} ${shown(problem.path, io.cwd)}`)
        }
      }
      const { files, jsonFiles, directories } = report.checked
      const what = `${plural(files, 'file')} (${jsonFiles} JSON) in ${plural(directories, 'directory', 'directories')}`
      println(
        io,
        report.ok
          ? `Checked ${what}: no problems found.`
          : `Found ${plural(report.problems.length, 'problem')} checking ${what}.`,
      )
      if (leftovers.recoverDir !== undefined) {
        println(
          io,
          `To finish or undo the interrupted writes and remove their temps (a live writer's are kept), run: ${fix(shown(leftovers.recoverDir, io.cwd))}`,
        )
      }
    }
    return report.ok ? EXIT.ok : EXIT.failed
  },
}
