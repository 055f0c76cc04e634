import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { versionOf } from '../../src/version.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { ensureBuiltEntries, jsonOf, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

const TEXT = 'port = 80\nhost = "a"\nport = 80\n'

function fileWith(text: string): { dir: string; file: string } {
  const dir = tempDir()
  const file = join(dir, 'conf.txt')
  writeFileSync(file, text)
  return { dir, file }
}

describe('durable-write edit', () => {
  it('--old/--new replaces the one occurrence and summarizes the edit', async () => {
    const { dir, file } = fileWith(TEXT)
    const r = await runCli(['edit', 'conf.txt', '--old', 'host = "a"', '--new', 'host = "b"'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('port = 80\nhost = "b"\nport = 80\n')
    expect(r.stdout).toBe(`Edited ${file}: 1 edit, 1 replacement at line 2.\n`)
  })

  it('--all replaces every occurrence', async () => {
    const { dir, file } = fileWith(TEXT)
    const r = await runCli(['edit', 'conf.txt', '--old', 'port = 80', '--new', 'port = 8080', '--all'], {
      cwd: dir,
    })
    expect(r.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('port = 8080\nhost = "a"\nport = 8080\n')
    expect(r.stdout).toBe(`Edited ${file}: 1 edit, 2 replacements at lines 1, 3.\n`)
  })

  it('repeated --old/--new pairs each match the file as read, and an empty --new deletes', async () => {
    const { dir, file } = fileWith('a = 1\nb = 2\nc = 3\n')
    const args = ['edit', 'conf.txt', '--old', 'a = 1\n', '--new', '', '--old', 'c = 3', '--new', 'c = 4']
    const r = await runCli(args, { cwd: dir })
    expect(r.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('b = 2\nc = 4\n')
  })

  it('a pair that would match only after an earlier pair exits 1 with ERR_EDIT_OVERLAP and changes nothing', async () => {
    const { dir } = fileWith(TEXT)
    const before = snapshot(dir)
    const args = [
      'edit',
      'conf.txt',
      '--old',
      'host = "a"\n',
      '--new',
      '',
      '--old',
      'port = 80\nport',
      '--new',
      'p',
    ]
    const r = await runCli(args, { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('ERR_EDIT_OVERLAP')
    expect(snapshot(dir)).toEqual(before)
  })

  it('an ambiguous --old exits 1 with ERR_EDIT_AMBIGUOUS and changes nothing', async () => {
    const { dir } = fileWith(TEXT)
    const before = snapshot(dir)
    const r = await runCli(['edit', 'conf.txt', '--old', 'port = 80', '--new', 'x'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^durable-write: edits\[0\] .* at lines 1, 3\. .*\(ERR_EDIT_AMBIGUOUS\)\n$/)
    expect(snapshot(dir)).toEqual(before)
  })

  it('--json reports an edit error with its details', async () => {
    const { dir } = fileWith(TEXT)
    const r = await runCli(['edit', 'conf.txt', '--old', 'host = "A"', '--new', 'x', '--json'], { cwd: dir })
    expect(r.code).toBe(1)
    const { error } = jsonOf(r) as { error: Record<string, unknown> }
    expect(error).toMatchObject({ code: 'ERR_EDIT_NOT_FOUND', editIndex: 0, path: join(dir, 'conf.txt') })
    expect(error.nearMatch).toMatchObject({ line: 2, text: 'host = "a"' })
  })

  it('--json prints the EditResult with the applied edits and the diff', async () => {
    const { dir } = fileWith(TEXT)
    const r = await runCli(['edit', 'conf.txt', '--old', 'host', '--new', 'name', '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    const result = jsonOf(r)
    expect(result).toMatchObject({
      changed: true,
      durability: 'durable',
      version: versionOf('port = 80\nname = "a"\nport = 80\n'),
      applied: [{ index: 0, count: 1, lines: [2] }],
    })
    expect(result.diff).toContain('-host = "a"\n+name = "a"\n')
  })

  it('--dry-run prints the unified diff and writes nothing', async () => {
    const { dir } = fileWith(TEXT)
    const before = snapshot(dir)
    const r = await runCli(['edit', 'conf.txt', '--old', 'host', '--new', 'name', '--dry-run'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^--- a\/conf\.txt\n\+\+\+ b\/conf\.txt\n@@ -1,3 \+1,3 @@\n/)
    expect(r.stdout).toContain('\n-host = "a"\n+name = "a"\n')
    expect(snapshot(dir)).toEqual(before)
  })

  it('--edits reads a JSON array of edits from a file', async () => {
    const { dir, file } = fileWith(TEXT)
    const edits = [
      { oldString: 'port = 80', newString: 'port = 1', expectedCount: 2 },
      { oldString: '"a"', newString: '"z"' },
    ]
    writeFileSync(join(dir, 'edits.json'), JSON.stringify(edits))
    const r = await runCli(['edit', 'conf.txt', '--edits', 'edits.json', '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('port = 1\nhost = "z"\nport = 1\n')
    expect(jsonOf(r).applied).toEqual([
      { index: 0, count: 2, lines: [1, 3] },
      { index: 1, count: 1, lines: [2] },
    ])
  })

  it('--edits - reads the edits from standard input', async () => {
    const { dir, file } = fileWith(TEXT)
    const input = JSON.stringify([{ oldString: 'port = 80', newString: 'p', replaceAll: true }])
    const r = await runCli(['edit', 'conf.txt', '--edits', '-'], { cwd: dir, input })
    expect(r.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('p\nhost = "a"\np\n')
  })

  it('an empty --old creates a missing file', async () => {
    const dir = tempDir()
    const r = await runCli(['edit', 'new.md', '--old', '', '--new', '# Title\n'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(readFileSync(join(dir, 'new.md'), 'utf8')).toBe('# Title\n')
  })

  it('--if-match with a stale version exits 1 with ERR_CONFLICT', async () => {
    const { dir } = fileWith(TEXT)
    const before = snapshot(dir)
    const args = ['edit', 'conf.txt', '--old', 'host', '--new', 'h', '--if-match', versionOf('other')]
    const r = await runCli(args, { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\(ERR_CONFLICT\)\n$/)
    expect(snapshot(dir)).toEqual(before)
  })

  it('an edits array of the wrong shape exits 1 with ERR_EDIT_INVALID', async () => {
    const { dir } = fileWith(TEXT)
    const r = await runCli(['edit', 'conf.txt', '--edits', '-'], { cwd: dir, input: '[{"oldString": 1}]' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\(ERR_EDIT_INVALID\)\n$/)
  })

  const usageCases: [string, string[], string, string?][] = [
    ['no edits at all', [], 'edit needs --old and --new, or --edits FILE.'],
    ['--old without --new', ['--old', 'a'], 'Each --old needs a --new: got 1 --old and 0 --new.'],
    [
      '--edits together with --old',
      ['--edits', 'e.json', '--old', 'a', '--new', 'b'],
      'Give either --edits or --old/--new (with --all), not both.',
    ],
    ['an edits file that is not JSON', ['--edits', '-'], '--edits standard input is not valid JSON: ', '[{'],
  ]
  for (const [what, args, message, input] of usageCases) {
    it(`${what} is a usage error (exit 2)`, async () => {
      const { dir } = fileWith(TEXT)
      const before = snapshot(dir)
      const r = await runCli(['edit', 'conf.txt', ...args], { cwd: dir, input: input ?? '' })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`durable-write: ${message}`)
      expect(r.stderr).toMatch(/ Run 'durable-write edit --help' for usage\.\n$/)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(snapshot(dir)).toEqual(before)
    })
  }
})
