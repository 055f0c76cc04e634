// WriteStats.ops helpers: sums, the most frequent count among samples, and a compact text form.

const KEYS = ['reads', 'writes', 'fsyncs', 'dirFsyncs', 'renames', 'unlinks', 'mkdirs', 'locks']
const SHORT = {
  reads: 'read',
  writes: 'write',
  fsyncs: 'fsync',
  dirFsyncs: 'dirFsync',
  renames: 'rename',
  unlinks: 'unlink',
  mkdirs: 'mkdir',
  locks: 'lock',
}

/** All-zero op counts. */
export const zeroOps = () => Object.fromEntries(KEYS.map((k) => [k, 0]))

/** Sum of op counts. */
export function sumOps(list) {
  const total = zeroOps()
  for (const ops of list) for (const k of KEYS) total[k] += ops?.[k] ?? 0
  return total
}

/** fsync + fdatasync calls on files plus directory fsyncs. */
export const syncCount = (ops) => ops.fsyncs + ops.dirFsyncs

/** The most frequent op counts among `list` (the steady state), and whether all were equal. */
export function typicalOps(list) {
  const seen = new Map()
  for (const ops of list) {
    if (!ops) continue
    const key = JSON.stringify(KEYS.map((k) => ops[k] ?? 0))
    const e = seen.get(key) ?? { ops, count: 0 }
    e.count++
    seen.set(key, e)
  }
  if (seen.size === 0) return undefined
  const best = [...seen.values()].sort((a, b) => b.count - a.count)[0]
  return { ops: Object.fromEntries(KEYS.map((k) => [k, best.ops[k] ?? 0])), constant: seen.size === 1 }
}

/** "write 1 · fsync 1 · dirFsync 1 · rename 1" (zeros left out). */
export function formatOps(ops) {
  if (!ops) return ''
  const parts = KEYS.filter((k) => ops[k]).map((k) => `${SHORT[k]} ${ops[k]}`)
  return parts.length ? parts.join(' · ') : 'none'
}
