import { afterAll, describe, expect, it } from 'vitest'
import type { FsLike } from '../../src/fs/fs-like.js'
import { nodeFs } from '../../src/fs/node-fs.js'
import { formatViolation } from '../helpers/crash-explorer.js'
import { explorerScenarios } from '../helpers/crash-scenarios.js'
import { stateOf } from '../helpers/crash-state.js'
import { exploreScenario, formatCounts, type ScenarioCounts } from '../helpers/crash-suite.js'
import { memFs } from '../helpers/mem-fs.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { tempDir } from '../helpers/tmp.js'

type AnyFn = (...args: unknown[]) => unknown

/** Calls one fs method, sync or async, and describes the outcome: an error code or a short result. */
async function outcome(fs: FsLike, sync: boolean, method: string, ...args: unknown[]): Promise<string> {
  try {
    const fn = (fs as unknown as Record<string, AnyFn>)[sync ? `${method}Sync` : method]!
    const value = await fn.apply(fs, args)
    if (Buffer.isBuffer(value)) return `bytes ${value.toString()}`
    if (Array.isArray(value)) return `[${value.join(',')}]`
    if (typeof value === 'object' && value !== null && 'isFile' in value) {
      const st = value as { isFile(): boolean; isDirectory(): boolean; size: number }
      return st.isDirectory() ? 'dir' : `file ${st.size}`
    }
    return typeof value === 'number' ? 'number' : String(value)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'error'
  }
}

/** A sequence of calls whose every outcome (success or POSIX error) must match node:fs. */
async function script(fs: FsLike, sync: boolean, b: string): Promise<string[]> {
  const out: string[] = []
  const run = async (method: string, ...args: unknown[]) => {
    out.push(`${method}: ${await outcome(fs, sync, method, ...args)}`)
  }
  const fd = async (path: string, flags: string) =>
    sync ? fs.openSync(path, flags, 0o600) : await fs.open(path, flags, 0o600)
  await run('mkdir', `${b}/d`)
  await run('mkdir', `${b}/d`)
  await run('mkdir', `${b}/missing/d`)
  const f = await fd(`${b}/d/f`, 'wx')
  await run('write', f, Buffer.from('hello'), 0, 5, null)
  await run('fdatasync', f)
  await run('fstat', f)
  await run('close', f)
  await run('open', `${b}/d/f`, 'wx', 0o600)
  await run('open', `${b}/d/f/x`, 'wx', 0o600)
  await run('open', `${b}/nope`, 'r')
  await run('open', `${b}/d`, 'w')
  await run('readFile', `${b}/d/f`)
  await run('readFile', `${b}/d`)
  await run('readdir', `${b}/d/f`)
  await run('readdir', `${b}/d`)
  await run('unlink', `${b}/d`)
  await run('rmdir', `${b}/d`)
  await run('mkdir', `${b}/e`)
  await run('rename', `${b}/d/f`, `${b}/e`)
  await run('rename', `${b}/e`, `${b}/d/f`)
  await run('rename', `${b}/nope`, `${b}/d/g`)
  await run('copyFile', `${b}/d/f`, `${b}/d/g`)
  await run('copyFile', `${b}/d/f`, `${b}/d/g`, 1)
  await run('rename', `${b}/d/g`, `${b}/d/f`)
  await run('lstat', `${b}/d/f`)
  await run('lstat', `${b}/d/f/x`)
  await run('stat', `${b}/d`)
  await run('readlink', `${b}/d/f`)
  await run('realpath', `${b}/d/../d/f`)
  await run('unlink', `${b}/d/f`)
  await run('rmdir', `${b}/d`)
  await run('readdir', b)
  return out
}

describe('mem-fs', () => {
  for (const sync of [true, false]) {
    it(`answers like node:fs on the real disk (${sync ? 'sync' : 'async'})`, async () => {
      const dir = tempDir()
      const real = await script(nodeFs(), sync, dir)
      const mem = await script(memFs(stateOf({}, [dir])), sync, dir)
      expect(mem).toEqual(real)
      expect(real).toContain('open: EEXIST')
    })
  }

  it('reports errors shaped like node:fs', () => {
    const fs = memFs()
    let err: NodeJS.ErrnoException | undefined
    try {
      fs.openSync('/a/b', 'r')
    } catch (e) {
      err = e as NodeJS.ErrnoException
    }
    expect(err).toMatchObject({ code: 'ENOENT', syscall: 'open', path: '/a/b', errno: expect.any(Number) })
    expect(err?.message).toBe("ENOENT: no such file or directory, open '/a/b'")
  })
})

const counts: ScenarioCounts[] = []

describe('crash-state explorer', () => {
  it.each(explorerScenarios())(
    '$name: every crash state recovers to the old or the new content',
    async (s) => {
      const c = await exploreScenario(s)
      counts.push(c)
      expect(c.violations.map(formatViolation)).toEqual([])
      expect(c.crashPoints).toBeGreaterThan(1)
      // Every crash state was recovered at least once.
      expect(c.recoveries).toBeGreaterThanOrEqual(c.states)
      reportFigure('crash states explored', c.states, s.name)
      reportFigure('recoveries run on crash states', c.recoveries, s.name)
    },
    60_000 * reliabilityScale(),
  )

  afterAll(() => {
    if (counts.length > 0) console.log(`Crash states explored\n${formatCounts(counts)}`)
  })
})
