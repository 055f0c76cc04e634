// Child of T8: builds a value whose JSON is `bytes` long, then measures the peak RSS of safeWriteJson
// above the RSS with the value built. Run with --expose-gc.

import { constants } from 'node:buffer'
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reply } from '../lib/child.mjs'
import { loadLibrary } from '../lib/library.mjs'

const [bytesText, dir] = process.argv.slice(2)
const target = Number(bytesText)
const dw = await loadLibrary()
const PAYLOAD = 4000

/** Records with a unique, flat 4000-character string each, so the value really holds its text. */
function build(bytes) {
  const sample = JSON.stringify([{ id: 100000, name: 'item-100000', payload: 'x'.repeat(PAYLOAD) }], null, 2)
  const n = Math.ceil(bytes / (sample.length - 4))
  const buf = Buffer.alloc(PAYLOAD, 'abcdefghijklmnopqrstuvwxyz0123456789')
  const value = new Array(n)
  for (let i = 0; i < n; i++) {
    buf.write(String(i).padStart(12, '0'))
    value[i] = { id: i, name: `item-${i}`, payload: buf.toString('latin1') }
  }
  return value
}

const vmHwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024
const settle = () => new Promise((r) => setTimeout(r, 50))

const t0 = performance.now()
const value = build(target)
const buildMs = performance.now() - t0
globalThis.gc()
globalThis.gc()
await settle()
const baseline = process.memoryUsage()
let resetPeak = false
try {
  writeFileSync('/proc/self/clear_refs', '5')
  resetPeak = true
} catch {}
let sampled = process.memoryUsage.rss()
const sampler = setInterval(() => {
  sampled = Math.max(sampled, process.memoryUsage.rss())
}, 5)
const path = join(dir, 'big.json')
const w0 = performance.now()
const stats = await dw.safeWriteJson(path, value)
const writeMs = performance.now() - w0
clearInterval(sampler)
sampled = Math.max(sampled, process.memoryUsage.rss())
const hwm = resetPeak ? vmHwm() : Number.NaN
const maxRss = process.resourceUsage().maxRSS * 1024
unlinkSync(path)

let stringify
const s0 = performance.now()
try {
  const text = JSON.stringify(value, null, 2)
  stringify = { ok: true, length: text.length, ms: performance.now() - s0 }
} catch (err) {
  stringify = { ok: false, error: `${err.name}: ${err.message}`, ms: performance.now() - s0 }
}

reply({
  items: value.length,
  buildMs,
  baselineRss: baseline.rss,
  baselineHeapUsed: baseline.heapUsed,
  peakRss: resetPeak ? Math.max(hwm, sampled) : sampled,
  peakSource: resetPeak
    ? 'VmHWM after resetting it via /proc/self/clear_refs, and 5 ms RSS sampling'
    : '5 ms RSS sampling',
  maxRssLifetime: maxRss,
  bytesWritten: stats.bytesWritten,
  ops: stats.ops,
  writeMs,
  stringify,
  maxStringLength: constants.MAX_STRING_LENGTH,
})
