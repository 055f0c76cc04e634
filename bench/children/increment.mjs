// Child of the lock contention scenario: once `goFile` exists, increments one JSON counter with
// updateJson for `durationMs`. Creates `readyFile` when loaded, so that all children start together.
import { existsSync, writeFileSync } from 'node:fs'
import { reply } from '../lib/child.mjs'
import { loadLibrary } from '../lib/library.mjs'

const [path, readyFile, goFile, durationText] = process.argv.slice(2)
const dw = await loadLibrary()
writeFileSync(readyFile, '')
while (!existsSync(goFile)) await new Promise((r) => setTimeout(r, 2))
const until = Date.now() + Number(durationText)
let increments = 0
let lockRetriesExhausted = 0
const waits = []
while (Date.now() < until) {
  const t0 = performance.now()
  try {
    await dw.updateJson(path, (c) => ({ n: (c?.n ?? 0) + 1 }), {
      default: { n: 0 },
      lock: { retries: { retries: 1000, factor: 1.2, minTimeout: 1, maxTimeout: 50, randomize: true } },
    })
    increments++
    waits.push(performance.now() - t0)
  } catch (err) {
    if (err.code !== 'ERR_LOCKED') throw err
    lockRetriesExhausted++
  }
}
waits.sort((a, b) => a - b)
reply({ increments, lockRetriesExhausted, medianMs: waits[Math.floor(waits.length / 2)] ?? null })
