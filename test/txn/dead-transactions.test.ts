import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempPathFor } from '../../src/core/temp-file.js'
import { writeTransaction } from '../../src/index.js'
import { ensureBuilt, packageRoot, startChild } from '../helpers/children.js'
import { deadWriter } from '../helpers/dead-writer.js'
import { reliabilityScale, reportFigure } from '../helpers/report.js'
import { tempDir, tempFilesIn } from '../helpers/tmp.js'

beforeAll(() => {
  if (!existsSync(join(packageRoot, 'dist', 'index.js'))) ensureBuilt()
})

/** A temp left by a dead writer beside `target` (of transaction `txid`, or of a single write). */
function deadTemp(target: string, txid = ''): string {
  const temp = tempPathFor(target, txid, deadWriter())
  writeFileSync(temp, 'left by a killed writer')
  return temp
}

describe('the temps of transactions killed before their commit point', () => {
  it('are removed by the next transaction in their directories, unless a journal above still needs them', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'a', 'sub'), { recursive: true })
    mkdirSync(join(dir, 'b'))
    const gone = [
      deadTemp(join(dir, 'a', 'x'), 'aaaa0001'),
      deadTemp(join(dir, 'b', 'y'), 'aaaa0001'),
      deadTemp(join(dir, 'a', 'single')),
    ]
    // A committed transaction journaled in a/ (not yet recovered) still needs this temp in a/sub.
    const needed = deadTemp(join(dir, 'a', 'sub', 'z'), 'bbbb0002')
    mkdirSync(join(dir, 'a', '.durable-write'))
    writeFileSync(join(dir, 'a', '.durable-write', 'bbbb0002.manifest'), 'committed elsewhere')
    await writeTransaction((tx) => {
      tx.writeFile(join(dir, 'a', 'x'), 'x')
      tx.writeFile(join(dir, 'b', 'y'), 'y')
    })
    for (const t of gone) expect(existsSync(t), basename(t)).toBe(false)
    await writeTransaction((tx) => tx.writeFile(join(dir, 'a', 'sub', 'z'), 'z'), {
      journalDir: join(dir, 'a', 'sub', '.durable-write'),
    })
    expect(existsSync(needed)).toBe(true)
  })

  it('after real SIGKILLs, leave no temp once the next transaction has run', async () => {
    const kills = Math.round(12 * reliabilityScale())
    const dir = tempDir()
    mkdirSync(join(dir, 'sub'))
    const loop = new URL('./fixtures/tx-loop.mjs', import.meta.url)
    let start = 0
    let leftByKills = 0
    for (let i = 0; i < kills; i++) {
      const child = startChild(loop, [JSON.stringify({ dir, start, seed: i + 1 })])
      await child.line(`begin ${start + 1 + (i % 2)}`)
      await sleep(2 + ((i * 7) % 30))
      child.kill('SIGKILL')
      const exit = await child.exited
      expect(exit.signal).toBe('SIGKILL')
      // What the kill left (the next child's transactions sweep it as they go).
      leftByKills += tempFilesIn(dir).length
      start += 1000
    }
    const left = tempFilesIn(dir).length
    // No recover: the next transaction recovers its journal and sweeps its directories.
    await writeTransaction((tx) => {
      tx.writeFile(join(dir, 'f0.txt'), 'after')
      tx.writeFile(join(dir, 'sub', 'f3.txt'), 'after')
    })
    expect(tempFilesIn(dir)).toEqual([])
    // The kills did hit transactions with temps on disk; never once would mean they missed them.
    expect(leftByKills).toBeGreaterThan(0)
    reportFigure('SIGKILLs survived', kills, 'writeTransaction, no recover: the next transaction cleans up')
    console.log(
      `${kills} transactions killed, leaving ${leftByKills} temps in all; ${left} before the next transaction, 0 after`,
    )
  }, 120_000)
})
