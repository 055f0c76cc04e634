/**
 * Runs each case of docs/faces.md on the original package and on durable-write's face of it, side by
 * side, and checks both outcomes against the table. The table is the one source: a row added there
 * needs a case in face-cases.ts, and a changed behaviour fails here until the table says so.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuiltEntries, packageRoot } from '../cli/run-cli.js'
import { tempDir } from '../helpers/tmp.js'
import { CASES, type FaceName, SIDES } from './face-cases.js'

/** One row of a face's difference table. */
interface Row {
  id: string
  original: string
  face: string
  decision: string
}

const isRoot = process.getuid?.() === 0
const doc = readFileSync(join(packageRoot, 'docs', 'faces.md'), 'utf8')

/** The rows of the table under `## Differences from <face>` in docs/faces.md. */
export function tableOf(markdown: string, face: FaceName): Row[] {
  const heading = `## Differences from ${face}\n`
  const start = markdown.indexOf(heading)
  if (start < 0) throw new Error(`docs/faces.md has no section "${heading.trim()}"`)
  const rest = markdown.slice(start + heading.length)
  const section = rest.slice(0, rest.search(/^## /m) >>> 0)
  const rows: Row[] = []
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z0-9-]+)`[^|]*\|([^|]+)\|([^|]+)\|([^|]+)\|$/.exec(line.trim())
    if (m) rows.push({ id: m[1]!, original: m[2]!.trim(), face: m[3]!.trim(), decision: m[4]!.trim() })
  }
  return rows
}

beforeAll(ensureBuiltEntries)

describe('the table parser', () => {
  it('reads the id, both outcomes and the decision of each row of one section', () => {
    const md = [
      '## Differences from steno',
      '| Case | steno | face | Decision |',
      '| --- | --- | --- | --- |',
      '| `a-case` — what it is | does x | does y | kept: why |',
      '## Differences from atomically',
      '| `other` | p | q | r |',
    ].join('\n')
    expect(tableOf(md, 'steno')).toEqual([
      { id: 'a-case', original: 'does x', face: 'does y', decision: 'kept: why' },
    ])
  })
})

describe.each(Object.keys(SIDES) as FaceName[])('%s and its face, side by side', (face) => {
  const rows = tableOf(doc, face)
  const { original, face: ours } = SIDES[face]

  it('the table has rows, each with a known case and a decision', () => {
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      expect(CASES.map((c) => c.id)).toContain(row.id)
      expect(row.decision).not.toBe('')
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
  })

  for (const row of rows) {
    const c = CASES.find((x) => x.id === row.id)
    it.skipIf(c?.needsRoot === true && !isRoot)(`${row.id}: as documented`, async () => {
      expect.assertions(1)
      if (!c) return
      const seen = { original: await c.run(original, tempDir()), face: await c.run(ours, tempDir()) }
      expect(seen).toEqual({ original: row.original, face: row.face })
    })
  }
})
