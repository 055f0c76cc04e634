// Interleaved timing: every implementation runs in every round, in a rotating order (A B C, B C A, ...),
// so a slow phase of a shared machine hits all of them alike.
import { median, summarize } from './stats.mjs'

const collectGarbage = () => globalThis.gc?.()

/**
 * Times implementations in interleaved rounds.
 * @param impls `[{ key, label, run(i), before?(i) }]`: `run` is the timed call (sync or async) and
 *   may return a result (WriteStats, counts) that is kept; `before` is untimed setup for iteration i.
 * @param options `{ rounds, perRound = 1, warmup = 1 }`: `perRound` consecutive iterations per
 *   implementation per round; `warmup` untimed iterations of each implementation first.
 * @returns one entry per key: `{ key, label, samples, cpu, rounds, results, summary }`, times in ms;
 *   `cpu` is the process CPU time (user + system, every thread) of each call.
 */
export async function interleave(impls, { rounds, perRound = 1, warmup = 1 }) {
  const out = {}
  const counters = {}
  for (const impl of impls) {
    out[impl.key] = { key: impl.key, label: impl.label, samples: [], cpu: [], rounds: [], results: [] }
    counters[impl.key] = 0
  }
  for (const impl of impls) {
    for (let w = 0; w < warmup; w++) await once(impl, counters[impl.key]++)
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(r + k) % impls.length]
      const entry = out[impl.key]
      const times = []
      collectGarbage()
      for (let j = 0; j < perRound; j++) {
        const { ms, cpuMs, result } = await once(impl, counters[impl.key]++)
        times.push(ms)
        entry.samples.push(ms)
        entry.cpu.push(cpuMs)
        if (result !== undefined) entry.results.push(result)
      }
      entry.rounds.push(times)
    }
  }
  for (const entry of Object.values(out)) {
    entry.summary = summarize(entry.samples)
    entry.summary.cpuMedian = median(entry.cpu)
  }
  return out
}

async function once(impl, i) {
  if (impl.before) await impl.before(i)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  let result = impl.run(i)
  if (result && typeof result.then === 'function') result = await result
  const ms = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { ms, cpuMs: (c.user + c.system) / 1000, result }
}
