import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { packageRoot } from './built.js'

/** How a project resolves modules: Node's ESM and CommonJS rules, or a bundler's. */
export type Resolution = 'nodenext' | 'bundler'

/**
 * Makes `dir` a project that depends on the built package: `node_modules/durable-write` links to the
 * package root, as `npm install durable-write` would provide (`exports` → dist/).
 */
export function linkPackage(dir: string, type: 'module' | 'commonjs' = 'module'): void {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type, private: true })}\n`)
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(packageRoot, join(dir, 'node_modules', 'durable-write'), 'dir')
}

/** Type-checks `files` under `strict` (with the house's stricter flags) and returns the diagnostics, formatted. */
export function typeErrors(files: readonly string[], resolution: Resolution = 'nodenext'): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [join(packageRoot, 'node_modules', '@types')],
    skipLibCheck: true,
    ...(resolution === 'nodenext'
      ? { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }
      : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
  }
  const program = ts.createProgram(files, options)
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => packageRoot,
    getNewLine: () => '\n',
  }
  return ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, host).trim())
}
