import { existsSync, mkdirSync, writeFileSync as nodeWriteFileSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeFs, type WriteOptions, type WriteStats, writeFile, writeFileSync } from '../../src/index.js'
import { faultyFs, recordingFs } from '../helpers/fault-fs.js'
import { reportFigure } from '../helpers/report.js'
import { openFdCount, snapshot, type TreeSnapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { calls, succeeded } from '../helpers/trace.js'

interface Api {
  name: string
  write(path: string, data: string, options: WriteOptions): Promise<WriteStats>
}

const apis: Api[] = [
  { name: 'writeFile', write: (path, data, options) => writeFile(path, data, options) },
  { name: 'writeFileSync', write: async (path, data, options) => writeFileSync(path, data, options) },
]

interface Scenario {
  name: string
  /** Target, relative to the test directory. */
  file: string
  /** Content of the target before the write; absent when it does not exist. */
  old?: string
  data: string
  options?: WriteOptions
}

const scenarios: Scenario[] = [
  { name: 'a new file', file: 'new.txt', data: 'new content\n' },
  {
    name: 'an existing file',
    file: 'old.txt',
    old: 'old content\n',
    data: 'new content, longer than before\n',
  },
  { name: 'a file below missing directories', file: 'a/b/c.txt', data: 'new content\n' },
  {
    name: 'an unchanged file with skipUnchanged',
    file: 'same.txt',
    old: 'same content\n',
    data: 'same content\n',
    options: { skipUnchanged: true },
  },
]

const codes = ['EIO', 'ENOSPC', 'EACCES', 'EMFILE', 'EBUSY']
const modes = [
  { name: 'a single failure', sticky: false },
  { name: 'every call failing from then on', sticky: true },
]

/** Sets up a fresh directory for one run: a bystander file, and the target when it exists before. */
function prepare(root: string, run: number, scenario: Scenario): { dir: string; target: string } {
  const dir = join(root, String(run))
  mkdirSync(dir)
  nodeWriteFileSync(join(dir, 'bystander.txt'), 'not part of the write\n')
  const target = join(dir, scenario.file)
  if (scenario.old !== undefined) nodeWriteFileSync(target, scenario.old)
  return { dir, target }
}

/** The snapshot without the target, its new ancestor directories and the given temp files. */
function rest(tree: TreeSnapshot, dir: string, target: string, temps: string[]): TreeSnapshot {
  const skip = new Set([relative(dir, target), ...temps])
  for (let d = dirname(target); d !== dir; d = dirname(d)) skip.add(relative(dir, d))
  return Object.fromEntries(Object.entries(tree).filter(([path]) => !skip.has(path)))
}

function contentOf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

describe.each(apis)('$name under injected faults', (api) => {
  describe.each(scenarios)('writing $name', (scenario) => {
    describe.each(modes)('with $name', ({ sticky }) => {
      it.each(codes)(
        'fails with the injected %s at every call, leaving the old or the new content',
        async (code) => {
          const root = tempDir()
          let failures = 0
          for (let n = 1; ; n++) {
            if (n > 100) throw new Error(`${scenario.name} still reaches call ${n}; the loop does not end.`)
            const { dir, target } = prepare(root, n, scenario)
            const before = snapshot(dir)
            const fds = openFdCount()
            const recorder = recordingFs(nodeFs())
            const fs = faultyFs(recorder, { failAt: n, code, sticky })
            let error: unknown
            try {
              await api.write(target, scenario.data, { ...scenario.options, fs })
            } catch (err) {
              error = err
            }
            expect(openFdCount(), `descriptors leaked at call ${n}`).toBe(fds)

            if (error === undefined && fs.injected.length > 0) {
              // Only the sweep of dead temps after the commit may absorb a fault: the write is complete.
              expect(fs.injected.map((f) => f.call.method)).toEqual(['readdir'])
              expect(contentOf(target)).toBe(scenario.data)
              expect(tempFilesIn(dir)).toEqual([])
              continue
            }
            if (error === undefined) {
              // Call n was never reached: every call up to the end succeeded, nothing was injected.
              expect(fs.injected).toEqual([])
              expect(fs.calls).toBeLessThan(n)
              expect(contentOf(target)).toBe(scenario.data)
              expect(tempFilesIn(dir)).toEqual([])
              break
            }
            failures++
            const first = fs.injected[0]
            expect(first, `call ${n} failed without an injected fault: ${String(error)}`).toBeDefined()
            expect(error).toBe(first!.error)
            expect((error as NodeJS.ErrnoException).code).toBe(code)
            if (!sticky) expect(fs.injected).toHaveLength(1)

            // Leftover temp files only where removing them was itself made to fail.
            const temps = tempFilesIn(dir)
            const failedUnlinks = fs.injected
              .filter((f) => f.call.method === 'unlink')
              .map((f) => f.call.path)
            if (!sticky) expect(temps).toEqual([])
            for (const temp of temps) expect(failedUnlinks).toContain(join(dir, temp))

            // The target holds exactly the old content, or exactly the new one once the rename happened.
            const renamed = recorder.trace.some((e) => calls('rename')(e) && e.to === target && succeeded(e))
            expect(contentOf(target), `content after a fault at call ${n}`).toBe(
              renamed ? scenario.data : scenario.old,
            )
            // Nothing else changed (new ancestor directories of the target aside).
            expect(rest(snapshot(dir), dir, target, temps)).toEqual(rest(before, dir, target, []))
          }
          expect(failures).toBeGreaterThan(0)
          reportFigure(
            'faults injected',
            failures,
            `${api.name} ${scenario.name} × ${code}${sticky ? ' sticky' : ''}`,
          )
        },
      )
    })
  })
})

describe('the fault injector', () => {
  it('fails with errors shaped like the ones node:fs reports', async () => {
    const dir = tempDir()
    const missing = join(dir, 'missing', 'file.txt')
    const real = await nodeFs()
      .open(missing, 'r')
      .catch((err: unknown) => err as NodeJS.ErrnoException)
    const fs = faultyFs(nodeFs(), { failAt: 1, code: 'ENOENT' })
    const injected = await fs.open(join(dir, 'exists-or-not'), 'r').catch((err: unknown) => err)
    expect(injected).toBe(fs.injected[0]!.error)
    const fields = (e: NodeJS.ErrnoException, path: string) => ({
      message: e.message.replace(path, '<path>'),
      code: e.code,
      errno: e.errno,
      syscall: e.syscall,
      path: e.path === path,
    })
    expect(fields(injected as NodeJS.ErrnoException, join(dir, 'exists-or-not'))).toEqual(
      fields(real as NodeJS.ErrnoException, missing),
    )
  })

  it('still closes a descriptor whose close it fails, sync and async', async () => {
    const dir = tempDir()
    const file = join(dir, 'f.txt')
    nodeWriteFileSync(file, 'x')
    const fds = openFdCount()
    const fs = faultyFs(nodeFs(), { failAt: 2, code: 'EIO', sticky: true, only: (c) => c.method === 'close' })
    fs.closeSync(fs.openSync(file, 'r'))
    expect(() => fs.closeSync(fs.openSync(file, 'r'))).toThrow('EIO: i/o error, close')
    await expect(fs.open(file, 'r').then((fd) => fs.close(fd))).rejects.toThrow('EIO: i/o error, close')
    expect(fs.calls).toBe(3)
    expect(openFdCount()).toBe(fds)
  })
})
