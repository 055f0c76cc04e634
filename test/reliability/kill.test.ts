import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { recover } from '../../src/index.js'
import { ensureBuilt, startChild } from '../helpers/children.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { tempDir } from '../helpers/tmp.js'

/** RELIABILITY.md §3: each API writes in a loop in a child killed with SIGKILL at a random moment. */
const KILLS = Number(process.env.DW_KILL_ITERATIONS) || Math.round(6.5 * reliabilityScale() ** 1.5)
const script = new URL('./fixtures/kill-writer.mjs', import.meta.url)
const FILES = ['a.txt', 'b/b.txt', 'c/c.txt']

/** The version number of a complete, self-describing version; throws on torn content (I3). */
function versionOf(text: string, where: string): number {
  const match = /^v=(\d+) len=(\d+) sum=([0-9a-f]{16})\n/.exec(text)
  if (!match) throw new Error(`${where} holds no complete version: ${JSON.stringify(text.slice(0, 60))}`)
  const body = text.slice(match[0].length)
  const sum = createHash('sha256').update(body).digest('hex').slice(0, 16)
  if (body.length !== Number(match[2]) || sum !== match[3]) throw new Error(`${where} is torn`)
  return Number(match[1])
}

function check(api: string, dir: string): void {
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined)
  if (api === 'multiEdit') {
    const text = read('a.txt')
    if (text === undefined) return
    const seen = new Set(text.split('\n').map((l) => /v=(\d+)$/.exec(l)?.[1]))
    expect(seen.size, 'a partially edited file').toBe(1)
    expect(text.split('\n')).toHaveLength(200)
  } else if (api === 'safeWriteJson' || api === 'updateJson') {
    const text = read('a.json')
    if (text === undefined) return
    const value = JSON.parse(text) as { v: number; body: string }
    expect(versionOf(value.body, 'a.json')).toBe(value.v)
  } else if (api === 'writeTransaction' || api === 'batchWrite') {
    const versions = FILES.map((f) => read(f)).map((t, i) =>
      t === undefined ? undefined : versionOf(t, FILES[i]!),
    )
    expect(new Set(versions).size, `files of one transaction differ: ${versions}`).toBe(1)
  } else {
    const text = read('a.txt')
    if (text !== undefined) versionOf(text, 'a.txt')
  }
  const leftovers = (readdirSync(dir, { recursive: true }) as string[]).filter(
    (p) => p.endsWith('.dwtmp') || p.endsWith('.manifest'),
  )
  expect(leftovers, 'temp or manifest files after recover').toEqual([])
}

const apis = [
  'writeFile',
  'writeFileSync',
  'safeWriteJson',
  'createWriteStream',
  'multiEdit',
  'updateJson',
  'writeTransaction',
  'batchWrite',
]

describe('SIGKILL at random moments, then recover: every file complete, transactions together', () => {
  ensureBuilt()
  it.each(apis)(
    '%s',
    async (api) => {
      const dir = tempDir('dw-kill-')
      // A lock holder killed leaves its lock until it is stale (2 s here): fewer rounds for updateJson.
      const kills = api === 'updateJson' ? Math.max(2, Math.round(KILLS / 3)) : KILLS
      for (let i = 0; i < kills; i++) {
        const child = startChild(script, [dir, api])
        await child.line('ready')
        await new Promise((r) => setTimeout(r, Math.random() * 40))
        child.kill('SIGKILL')
        await child.exited
        await recover(dir)
        check(api, dir)
      }
      reportFigure('SIGKILLs survived', kills, api)
    },
    Math.max(60_000, KILLS * 3_000),
  )
})
