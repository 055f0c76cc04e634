import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { committedTransaction, leftoverTemp, tornTransaction } from './journal-fixtures.js'
import { cliPath, ensureBuiltEntries, jsonOf, runCli } from './run-cli.js'

beforeAll(ensureBuiltEntries)

/** A tree that passes verify: nested JSON, a tsconfig with comments, text, and broken JSON in node_modules. */
function healthyTree(): string {
  const dir = tempDir()
  mkdirSync(join(dir, 'config', 'deep'), { recursive: true })
  mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{"name": "x"}\n')
  writeFileSync(join(dir, 'config', 'deep', 'a.json'), '\uFEFF[1, 2, {"b": null}]')
  writeFileSync(
    join(dir, 'tsconfig.json'),
    '{\n  // comment\n  "compilerOptions": { "strict": true, }, /* x */\n}\n',
  )
  writeFileSync(join(dir, 'notes.txt'), 'not json {')
  writeFileSync(join(dir, 'node_modules', 'pkg', 'broken.json'), '{')
  return dir
}

describe('durable-write verify', () => {
  it('passes a healthy tree, skipping node_modules, and says what it checked', async () => {
    const dir = healthyTree()
    const r = await runCli(['verify', dir])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('Checked 4 files (3 JSON) in 3 directories: no problems found.\n')
    expect(r.stderr).toBe('')
  })

  it('checks the current directory by default', async () => {
    const dir = healthyTree()
    writeFileSync(join(dir, 'bad.json'), '{"a": 1,')
    const r = await runCli(['verify'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^invalid-json bad\.json: does not contain valid JSON/)
  })

  it('finds a JSON file that does not parse, with its line and column', async () => {
    const dir = healthyTree()
    writeFileSync(join(dir, 'config', 'torn.json'), '{\n  "a": 1,\n  "b" 2\n}')
    const r = await runCli(['verify', dir], { cwd: dir })
    expect(r.code).toBe(1)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^invalid-json config\/torn\.json: does not contain valid JSON at line 3, column 7/,
    )
    expect(lines[1]).toBe('Found 1 problem checking 5 files (4 JSON) in 3 directories.')
  })

  it('finds an empty JSON file', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'empty.json'), '')
    const r = await runCli(['verify', '--json', dir])
    expect(r.code).toBe(1)
    expect(jsonOf(r).problems).toEqual([
      expect.objectContaining({ kind: 'invalid-json', path: join(dir, 'empty.json') }),
    ])
  })

  it('finds a leftover temp file and tells how to recover', async () => {
    const dir = healthyTree()
    const temp = leftoverTemp(join(dir, 'config', 'deep', 'a.json'))
    const r = await runCli(['verify', dir], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'leftovers in config/deep: 1 temp file',
      `  temp-file ${relative(dir, temp)}`,
      'Found 1 problem checking 5 files (3 JSON) in 3 directories.',
      "To finish or undo the interrupted writes and remove their temps (a live writer's are kept), run: durable-write recover config/deep",
    ])
  })

  it('groups leftovers per directory and names the one recover command that cleans up all of them', async () => {
    const dir = healthyTree()
    mkdirSync(join(dir, 'data', 'a'), { recursive: true })
    mkdirSync(join(dir, 'data', 'b'), { recursive: true })
    leftoverTemp(join(dir, 'data', 'a', 'x.txt'))
    leftoverTemp(join(dir, 'data', 'a', 'y.txt'))
    leftoverTemp(join(dir, 'data', 'b', 'z.txt'))
    committedTransaction(join(dir, 'data', 'b'), join(dir, 'data', 'b', 'w.txt'), 'new\n')
    writeFileSync(join(dir, 'bad.json'), '{')
    const r = await runCli(['verify'], { cwd: dir })
    expect(r.code).toBe(1)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^invalid-json bad\.json: /)
    expect(lines.filter((l) => l.startsWith('leftovers in '))).toEqual([
      'leftovers in data/a: 2 temp files',
      'leftovers in data/b: 2 temp files, 1 unfinished transaction',
    ])
    expect(lines.filter((l) => l.startsWith('  '))).toHaveLength(5)
    expect(lines.at(-1)).toMatch(/run: durable-write recover data$/)

    const json = jsonOf(await runCli(['verify', '--json'], { cwd: dir }))
    expect(json.leftovers).toEqual([
      { dir: join(dir, 'data', 'a'), tempFiles: 2, unfinishedTransactions: 0 },
      { dir: join(dir, 'data', 'b'), tempFiles: 2, unfinishedTransactions: 1 },
    ])
    expect(json.fix).toBe(`durable-write recover ${join(dir, 'data')}`)

    // The command it names is the only one needed.
    expect((await runCli(['recover', 'data'], { cwd: dir })).code).toBe(0)
    const after = jsonOf(await runCli(['verify', '--json'], { cwd: dir }))
    expect(after.leftovers).toEqual([])
    expect(after.fix).toBeNull()
  })

  it('finds unfinished transactions, committed or not', async () => {
    const dir = healthyTree()
    const committed = committedTransaction(dir, join(dir, 'package.json'), '{"name": "y"}\n')
    const torn = tornTransaction(dir, join(dir, 'notes.txt'))
    const r = await runCli(['verify', '--json', dir])
    expect(r.code).toBe(1)
    const report = jsonOf(r) as { ok: boolean; problems: { path: string; kind: string; message: string }[] }
    expect(report.ok).toBe(false)
    const byPath = Object.fromEntries(report.problems.map((p) => [p.path, p]))
    expect(byPath[committed.manifest]).toMatchObject({ kind: 'unfinished-transaction' })
    expect(byPath[committed.manifest]!.message).toContain('recovery will finish it')
    expect(byPath[torn.manifest]!.message).toContain('recovery will undo it')
    expect(byPath[committed.temp]).toMatchObject({ kind: 'temp-file' })
    expect(byPath[torn.temp]).toMatchObject({ kind: 'temp-file' })
    expect(report.problems).toHaveLength(4)
  })

  it('--json prints the report of a clean tree', async () => {
    const dir = healthyTree()
    const r = await runCli(['verify', dir, '--json'])
    expect(r.code).toBe(0)
    expect(jsonOf(r)).toEqual({
      ok: true,
      checked: { files: 4, jsonFiles: 3, directories: 3 },
      problems: [],
      leftovers: [],
      fix: null,
    })
  })

  it('checks only the paths given, and a missing path is a problem', async () => {
    const dir = healthyTree()
    writeFileSync(join(dir, 'bad.json'), '{')
    const r = await runCli(['verify', '--json', 'package.json', 'config', 'missing.json'], { cwd: dir })
    expect(r.code).toBe(1)
    const report = jsonOf(r) as { checked: unknown; problems: { path: string; kind: string }[] }
    expect(report.checked).toEqual({ files: 2, jsonFiles: 2, directories: 2 })
    expect(report.problems).toEqual([
      expect.objectContaining({ path: join(dir, 'missing.json'), kind: 'unreadable' }),
    ])
  })

  it('follows a symlink named on the command line, but none below it', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'real'))
    writeFileSync(join(dir, 'real', 'bad.json'), '{')
    mkdirSync(join(dir, 'tree'))
    symlinkSync(join(dir, 'real'), join(dir, 'tree', 'link'))
    symlinkSync(join(dir, 'real'), join(dir, 'top'))
    expect((await runCli(['verify', 'tree'], { cwd: dir })).code).toBe(0)
    const r = await runCli(['verify', 'top'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^invalid-json top\/bad\.json: /)
  })

  it('passes again once recover has cleaned up', async () => {
    const dir = healthyTree()
    leftoverTemp(join(dir, 'notes.txt'))
    committedTransaction(dir, join(dir, 'package.json'), '{"name": "y"}\n')
    expect((await runCli(['verify', dir])).code).toBe(1)
    expect((await runCli(['recover', dir])).code).toBe(0)
    const r = await runCli(['verify', dir])
    expect(r.stdout).toContain('no problems found')
    expect(r.code).toBe(0)
  })

  // `script` (util-linux) runs the command on a terminal.
  const hasScript = spawnSync('script', ['--version']).status === 0
  it.runIf(hasScript)('shows progress on a terminal when there are many files, and clears it', () => {
    const dir = tempDir()
    for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `f${i}.txt`), '')
    // `script` gives the command a terminal; everything it prints comes back on our stdout.
    const screen = execFileSync(
      'script',
      ['-qec', `${process.execPath} ${cliPath} verify ${dir}`, '/dev/null'],
      {
        encoding: 'utf8',
      },
    )
    expect(screen).toContain('\r\x1b[Kdurable-write: verifying… ')
    expect(screen).toMatch(/verifying… \d+ files checked/)
    expect(screen).toContain('\r\x1b[KChecked 1500 files (0 JSON) in 1 directory: no problems found.')
  })

  it('shows no progress when stderr is not a terminal', async () => {
    const dir = tempDir()
    for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `f${i}.txt`), '')
    const r = await runCli(['verify', dir])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
  })
})
