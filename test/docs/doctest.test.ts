import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { missingBuild, packageRoot } from '../types/built.js'
import { linkPackage, typeErrors } from '../types/compile.js'
import { type Block, blocksOf, documentedFiles } from './blocks.js'

const skipReason = missingBuild(['dist/index.js', 'dist/index.d.ts', 'dist/cli.js'])
const RUN = new Set(['js', 'ts', 'sh'])

/**
 * A fresh project that depends on the built package (`node_modules/durable-write` → the package root,
 * its bin on PATH), and inside it the empty directory the block runs in.
 */
function project(): string {
  const base = tempDir('dw-doctest-')
  linkPackage(base)
  mkdirSync(join(base, 'node_modules', '.bin'))
  symlinkSync(join(packageRoot, 'dist', 'cli.js'), join(base, 'node_modules', '.bin', 'durable-write'))
  const work = join(base, 'work')
  mkdirSync(work)
  return work
}

/** Runs a command in `cwd` and returns its stdout; throws with everything it printed when it fails. */
function run(cmd: string, args: string[], cwd: string): string {
  const bin = join(cwd, '..', 'node_modules', '.bin')
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    })
  } catch (err) {
    const e = err as { status: number | null; stdout?: Buffer; stderr?: Buffer }
    throw new Error(`exit ${e.status}\n${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`)
  }
}

/**
 * What a block says it prints: the text after `// →` on each `console.log(...)` line, in order.
 * A block that states one output must state all of them.
 */
function statedOutput(block: Block): string[] | undefined {
  const logs = block.code.split('\n').filter((line) => /^\s*console\.log\(/.test(line))
  const stated = logs.map((line) => /\/\/ → (.*)$/.exec(line)?.[1]?.trim())
  if (stated.every((s) => s === undefined)) return undefined
  expect(stated, 'every console.log of a block that states its output has a // → comment').not.toContain(
    undefined,
  )
  return stated as string[]
}

/** The syntax errors of a js/ts block, formatted. */
function syntaxErrors(block: Block): string[] {
  const out = ts.transpileModule(block.setup + block.code, {
    reportDiagnostics: true,
    fileName: `block.${block.lang === 'ts' ? 'ts' : 'mts'}`,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  })
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

function check(block: Block): void {
  const fragment = block.flags.includes('fragment')
  const noRun = block.flags.includes('no-run')
  if (block.lang === 'sh') {
    const work = project()
    writeFileSync(join(work, '..', 'block.sh'), `set -euo pipefail\n${block.setup}${block.code}`)
    run('bash', [noRun ? '-n' : '-e', join(work, '..', 'block.sh')], work)
    return
  }
  expect(syntaxErrors(block)).toEqual([])
  if (fragment) return
  const work = project()
  let js = block.setup + block.code
  if (block.lang === 'ts') {
    const file = join(work, 'block.ts')
    writeFileSync(file, js)
    expect(typeErrors([file], 'nodenext')).toEqual([])
    js = ts.transpileModule(js, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText
  }
  // A block that only uses require() is a CommonJS file (a shim's index.js); every other one is ESM.
  const name = /\brequire\(/.test(js) && !/^\s*import\s/m.test(js) ? 'block.cjs' : 'block.mjs'
  writeFileSync(join(work, name), js)
  const stdout = run(process.execPath, [name], work)
  const stated = statedOutput(block)
  if (stated) expect(stdout.trimEnd().split('\n')).toEqual(stated)
}

describe('every fenced js, ts and sh block of the docs runs', () => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {})
    return
  }
  for (const file of documentedFiles(packageRoot)) {
    for (const block of blocksOf(packageRoot, file)) {
      const marks = block.flags.length > 0 ? ` ${block.flags.join(' ')}` : ''
      if (RUN.has(block.lang)) {
        it(`${file}:${block.line} (${block.lang}${marks})`, () => check(block))
      } else if (block.lang === 'json') {
        it(`${file}:${block.line} (json) parses`, () => {
          expect(() => JSON.parse(block.code)).not.toThrow()
        })
      }
    }
  }
})
