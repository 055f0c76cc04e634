import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { missingBuild, packageRoot } from './built.js'

interface Target {
  types: string
  default: string
}
type Conditions = { import: Target; require: Target }

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, Conditions | string>
}
const entries = Object.entries(pkg.exports).filter(
  (entry): entry is [string, Conditions] => typeof entry[1] !== 'string',
)
const files = entries.flatMap(([, c]) => [
  c.import.types,
  c.import.default,
  c.require.types,
  c.require.default,
])
const skipReason = missingBuild(files)

let program: ts.Program | undefined

/** The names a declaration file exports as values (`export type` and type-only declarations left out). */
function declaredValues(file: string): string[] {
  // One program for every declaration file: loading @types/node once keeps the test fast.
  program ??= ts.createProgram(
    entries.flatMap(([, c]) => [c.import.types, c.require.types].map((f) => join(packageRoot, f))),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
  )
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)
  const moduleSymbol = source && checker.getSymbolAtLocation(source)
  if (!moduleSymbol) throw new Error(`${file} is not a module.`)
  const names: string[] = []
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const typeOnly = symbol.declarations?.some(
      (d) => ts.isTypeOnlyImportOrExportDeclaration(d) || ts.isTypeOnlyExportDeclaration(d),
    )
    if (typeOnly) continue
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    if (target.flags & ts.SymbolFlags.Value) names.push(symbol.name)
  }
  return names.sort()
}

/** Whether a CommonJS declaration file uses `export =` (the module is the exported value itself). */
function exportsAssignment(file: string): boolean {
  return /^export = /m.test(readFileSync(file, 'utf8'))
}

describe('the built declarations export as values exactly what the runtime exports', () => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {})
    return
  }
  const require = createRequire(join(packageRoot, 'package.json'))

  for (const [subpath, conditions] of entries) {
    it(`${subpath} as ESM (${conditions.import.types})`, async () => {
      const file = join(packageRoot, conditions.import.types)
      const runtime = (await import(
        pathToFileURL(join(packageRoot, conditions.import.default)).href
      )) as object
      expect(declaredValues(file)).toEqual(Object.keys(runtime).sort())
    })

    it(`${subpath} as CommonJS (${conditions.require.types})`, () => {
      const file = join(packageRoot, conditions.require.types)
      const runtime = require(join(packageRoot, conditions.require.default)) as object
      // With `export =`, the exports of the declaration are the members of the exported value.
      if (exportsAssignment(file)) expect(typeof runtime).toBe('function')
      expect(declaredValues(file)).toEqual(Object.keys(runtime).sort())
    })
  }
})
