import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeFs, writeFile } from '../../src/index.js'
import { ensureBuilt, startChild } from '../helpers/children.js'
import { interceptFs } from '../helpers/fault-fs.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

/** API.md §8a: after any number of SIGKILLs a directory holds at most one leftover temp per live writer. */
const KILLS = Number(process.env.DW_KILLS) || Math.round(60 * reliabilityScale())
/** Writers running (and killed) at the same time. */
const PARALLEL = 2
const script = new URL('./fixtures/loop-writer.mjs', import.meta.url)

/** Throws unless every target holds one complete version. */
function checkTargets(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.txt'))) {
    const text = readFileSync(join(dir, name), 'utf8')
    const match = /^v=(\d+) len=(\d+) sum=([0-9a-f]{16})\n/.exec(text)
    expect(match, `${name} holds no complete version`).not.toBeNull()
    const body = text.slice(match![0].length)
    expect(body.length, `${name} is torn`).toBe(Number(match![2]))
    expect(createHash('sha256').update(body).digest('hex').slice(0, 16), `${name} is torn`).toBe(match![3])
  }
}

/** The real fs under a new identity, so the sweep's rate limit (per file system and directory) starts afresh. */
const passThrough = () => interceptFs(nodeFs(), (_call, proceed) => proceed())

async function killedWriter(dir: string): Promise<void> {
  const child = startChild(script, [dir])
  await child.line('ready')
  await new Promise((r) => setTimeout(r, Math.random() * 30))
  child.kill('SIGKILL')
  await child.exited
}

describe.runIf(process.platform === 'linux')('temps of writers killed with SIGKILL', () => {
  ensureBuilt()
  it(
    `do not pile up: ${KILLS} kills, then one write leaves none, a live writer at most one`,
    async () => {
      const dir = tempDir('dw-dead-writers-')
      let most = 0
      for (let done = 0; done < KILLS; done += PARALLEL) {
        await Promise.all(Array.from({ length: Math.min(PARALLEL, KILLS - done) }, () => killedWriter(dir)))
        most = Math.max(most, tempFilesIn(dir).length)
        checkTargets(dir)
      }
      // Each writer's first write swept the temps of the writers killed before it.
      expect(most, 'temps left at once by killed writers').toBeLessThanOrEqual(2 * PARALLEL)

      const live = startChild(script, [dir])
      await live.line('ready')
      live.kill('SIGSTOP')
      await writeFile(join(dir, 'last.txt'), 'v=0 len=0 sum=e3b0c44298fc1c14\n')
      expect(tempFilesIn(dir).length, 'temps with one live (stopped) writer').toBeLessThanOrEqual(1)
      live.kill('SIGKILL')
      await live.exited
      checkTargets(dir)
      await writeFile(join(dir, 'last.txt'), 'v=0 len=0 sum=e3b0c44298fc1c14\n', { fs: passThrough() })
      expect(tempFilesIn(dir), 'temps once every writer is dead').toEqual([])
      reportFigure('SIGKILLs of single-file writers', KILLS)
    },
    Math.max(60_000, KILLS * 1_500),
  )
})
