import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { type CliResult, ensureBuiltEntries, jsonOf, packageRoot, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

const COMMANDS = ['write', 'edit', 'verify', 'recover', 'version']

describe('durable-write --help', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    it(`'${args.join(' ')}' lists every command and the exit codes on stdout`, async () => {
      const r = await runCli(args)
      expect(r.code).toBe(0)
      for (const name of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'))
      expect(r.stdout).toContain('Exit codes:')
      expect(r.stdout).toMatch(/2 {2}usage error/)
      expect(r.stderr).toBe('')
    })
  }

  for (const name of COMMANDS) {
    it(`'${name} --help', '${name} -h' and 'help ${name}' print the usage, even without arguments`, async () => {
      const r = await runCli([name, '--help'])
      expect(r.code).toBe(0)
      expect(r.stdout.startsWith(`Usage: durable-write ${name}`)).toBe(true)
      expect(r.stdout).toContain('--json')
      expect(r.stdout).toContain('Exit codes:')
      expect(r.stderr).toBe('')
      expect((await runCli([name, '-h'])).stdout).toBe(r.stdout)
      expect((await runCli(['help', name])).stdout).toBe(r.stdout)
    })
  }
})

/**
 * The message of a usage error: stderr must be exactly one line that ends by pointing to the
 * usage (`help`), never the whole help text.
 */
function usageMessage(r: CliResult, help = 'durable-write --help'): string {
  const lines = r.stderr.split('\n')
  expect(lines, r.stderr).toHaveLength(2) // one line and its newline
  const hint = ` Run '${help}' for usage.`
  expect(lines[0]!.endsWith(hint), lines[0]).toBe(true)
  return lines[0]!.slice(0, -hint.length)
}

describe('usage errors exit with 2 with one line on stderr that points to --help', () => {
  it('no command is a one-line error naming the commands', async () => {
    const r = await runCli([])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(usageMessage(r)).toBe(
      'durable-write: Missing command. Commands: write, edit, verify, recover, version, shim.',
    )
  })

  it('an unknown command is named in one error line', async () => {
    const r = await runCli(['wirte', 'x'])
    expect(r.code).toBe(2)
    expect(usageMessage(r)).toBe(
      "durable-write: Unknown command 'wirte'. Commands: write, edit, verify, recover, version, shim.",
    )
  })

  it('an option before the command is refused with a hint', async () => {
    const json = await runCli(['--json', 'version', 'x'])
    expect(json.code).toBe(2)
    expect(usageMessage(json)).toMatch(
      /^durable-write: --json goes after a command: durable-write <command> --json\./,
    )
    const bogus = await runCli(['--bogus'])
    expect(bogus.code).toBe(2)
    expect(usageMessage(bogus)).toBe("durable-write: Unknown option '--bogus'.")
  })

  it('an unknown option names the option and shows the command usage', async () => {
    const dir = tempDir()
    const r = await runCli(['write', 'f.txt', '--force'], { cwd: dir, input: 'x' })
    expect(r.code).toBe(2)
    expect(usageMessage(r, 'durable-write write --help')).toBe("durable-write: Unknown option '--force'.")
    expect(r.stdout).toBe('')
  })

  for (const name of ['write', 'edit', 'recover', 'version']) {
    it(`'${name}' without its argument says what is missing`, async () => {
      const r = await runCli([name])
      expect(r.code).toBe(2)
      expect(usageMessage(r, `durable-write ${name} --help`)).toMatch(
        new RegExp(`^durable-write: ${name} needs <(file|dir)>\\.$`),
      )
    })
  }

  it('an extra positional argument is refused', async () => {
    const r = await runCli(['version', 'a', 'b'])
    expect(r.code).toBe(2)
    expect(usageMessage(r, 'durable-write version --help')).toBe(
      "durable-write: version takes only <file> as argument; unexpected 'b'.",
    )
  })

  it('an option missing its value is refused', async () => {
    const r = await runCli(['edit', 'f', '--old'])
    expect(r.code).toBe(2)
    expect(usageMessage(r, 'durable-write edit --help')).toBe("durable-write: Option '--old' needs a value.")
  })

  it('a value that looks like an option explains the --opt=value form', async () => {
    const r = await runCli(['edit', 'f', '--old', '-x', '--new', 'y'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toContain('write --old=<value>')
  })

  it('a boolean option given a value is refused', async () => {
    const r = await runCli(['write', 'f', '--fast=yes'])
    expect(r.code).toBe(2)
    expect(usageMessage(r, 'durable-write write --help')).toBe(
      "durable-write: Option '--fast' takes no value.",
    )
  })

  it('a usage error with --json is also one JSON object on stdout', async () => {
    const r = await runCli(['write', '--json'])
    expect(r.code).toBe(2)
    expect(jsonOf(r)).toEqual({
      error: {
        name: 'UsageError',
        code: 'ERR_USAGE',
        message: 'write needs <file>.',
        help: 'durable-write write --help',
        command: 'write',
      },
    })
    expect(usageMessage(r, 'durable-write write --help')).toBe('durable-write: write needs <file>.')
    const unknown = await runCli(['wirte', '--json'])
    expect(unknown.code).toBe(2)
    expect((jsonOf(unknown).error as Record<string, unknown>).code).toBe('ERR_USAGE')
  })
})

describe('durable-write --version', () => {
  it('prints the version of package.json and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(`${pkg.version}\n`)
      expect(r.stderr).toBe('')
    }
  })

  it('is listed in the global help', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}--version {4}/m)
  })
})
