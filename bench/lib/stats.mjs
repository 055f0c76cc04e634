// Summary statistics of timing samples (milliseconds).

/** The value at quantile `q` (0..1) of sorted `xs`, by linear interpolation between closest ranks. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** Median of an unsorted array. */
export function median(xs) {
  return quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  )
}

/** n, median, p95, mean, min, max and operations per second (1000 / median) of samples in ms. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const med = quantile(sorted, 0.5)
  return {
    n: sorted.length,
    median: med,
    p95: quantile(sorted, 0.95),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    opsPerSec: med > 0 ? 1000 / med : Number.NaN,
  }
}

/** Ratio of the medians of two implementations' samples (a ÷ b). */
export function ratioOfMedians(a, b) {
  return median(a.samples) / median(b.samples)
}

/**
 * 90% bootstrap interval of the ratio of medians: resamples each implementation's samples with
 * replacement. An interval that straddles a target means the machine was too noisy to decide.
 */
export function ratioInterval(a, b, draws = 1000) {
  if (a.samples.length < 5 || b.samples.length < 5) return [Number.NaN, Number.NaN]
  let seed = 12345
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const resampledMedian = (xs) => {
    const r = Array.from({ length: xs.length }, () => xs[Math.floor(rand() * xs.length)])
    return quantile(
      r.sort((x, y) => x - y),
      0.5,
    )
  }
  const ratios = []
  for (let i = 0; i < draws; i++) ratios.push(resampledMedian(a.samples) / resampledMedian(b.samples))
  ratios.sort((x, y) => x - y)
  return [quantile(ratios, 0.05), quantile(ratios, 0.95)]
}
