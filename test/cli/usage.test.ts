import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { ensureBuiltEntries, runCli } from './run-cli.js'

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

describe('usage errors exit with 2 and show the usage on stderr', () => {
  it('no command prints the global help on stderr', async () => {
    const r = await runCli([])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Usage: durable-write <command>')
  })

  it('an unknown command is named in one error line', async () => {
    const r = await runCli(['wirte', 'x'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(
      "durable-write: Unknown command 'wirte'. Commands: write, edit, verify, recover, version, shim.",
    )
  })

  it('an option before the command is refused with a hint', async () => {
    const json = await runCli(['--json', 'version', 'x'])
    expect(json.code).toBe(2)
    expect(json.stderr.split('\n')[0]).toMatch(
      /^durable-write: --json goes after a command: durable-write <command> --json\./,
    )
    const bogus = await runCli(['--bogus'])
    expect(bogus.code).toBe(2)
    expect(bogus.stderr.split('\n')[0]).toBe("durable-write: Unknown option '--bogus'.")
  })

  it('an unknown option names the option and shows the command usage', async () => {
    const dir = tempDir()
    const r = await runCli(['write', 'f.txt', '--force'], { cwd: dir, input: 'x' })
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe("durable-write: Unknown option '--force'.")
    expect(r.stderr).toContain('Usage: durable-write write <file>')
    expect(r.stdout).toBe('')
  })

  for (const name of ['write', 'edit', 'recover', 'version']) {
    it(`'${name}' without its argument says what is missing`, async () => {
      const r = await runCli([name])
      expect(r.code).toBe(2)
      expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^durable-write: ${name} needs <(file|dir)>\\.$`))
      expect(r.stderr).toContain(`Usage: durable-write ${name}`)
    })
  }

  it('an extra positional argument is refused', async () => {
    const r = await runCli(['version', 'a', 'b'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(
      "durable-write: version takes only <file> as argument; unexpected 'b'.",
    )
  })

  it('an option missing its value is refused', async () => {
    const r = await runCli(['edit', 'f', '--old'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe("durable-write: Option '--old' needs a value.")
  })

  it('a value that looks like an option explains the --opt=value form', async () => {
    const r = await runCli(['edit', 'f', '--old', '-x', '--new', 'y'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toContain('write --old=<value>')
  })

  it('a boolean option given a value is refused', async () => {
    const r = await runCli(['write', 'f', '--fast=yes'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe("durable-write: Option '--fast' takes no value.")
  })

  it('a usage error with --json prints nothing on stdout', async () => {
    const r = await runCli(['write', '--json'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
  })
})
