// What SHA-256 of some content costs here: durable-write hashes every byte it writes, for
// WriteStats.version, on the main thread.
import { createHash } from 'node:crypto'
import { median } from './stats.mjs'

/** Median ms to SHA-256 `data` (a string is encoded as UTF-8 first, as a write would), over `runs`. */
export function sha256Ms(data, runs = 9) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    createHash('sha256').update(bytes).digest()
    times.push(performance.now() - t0)
  }
  return median(times)
}

/** ms to SHA-256 `total` bytes fed as repeated `block`s, as a stream would feed them. */
export function sha256StreamMs(block, total) {
  const t0 = performance.now()
  const h = createHash('sha256')
  for (let left = total; left > 0; left -= block.byteLength) {
    h.update(left >= block.byteLength ? block : block.subarray(0, left))
  }
  h.digest()
  return performance.now() - t0
}
