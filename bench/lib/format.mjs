// Number formatting for the generated tables.

/** Milliseconds with three significant digits ("0.412 ms", "3.21 ms", "1234 ms"). */
export function ms(x) {
  if (!Number.isFinite(x)) return '–'
  if (x >= 1000) return `${Math.round(x)} ms`
  return `${Number(x.toPrecision(3))} ms`
}

/** A ratio as "0.62×". */
export const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–')

/** A 90% interval of a ratio as "[0.98–1.12]". */
export const interval = ([lo, hi]) => (Number.isFinite(lo) ? `[${lo.toFixed(2)}–${hi.toFixed(2)}]` : '')

/** Operations per second, rounded to three significant digits. */
export function perSec(x) {
  if (!Number.isFinite(x)) return '–'
  return x >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3)))
}

/** Bytes as "1 KiB", "100 KiB", "1 MiB", "191 MiB" (binary units; three significant digits unless exact). */
export function bytes(n) {
  const units = [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ]
  for (const [u, size] of units) if (n >= size && n % size === 0) return `${n / size} ${u}`
  for (const [u, size] of units) if (n >= size) return `${Number((n / size).toPrecision(3))} ${u}`
  return `${n} B`
}

/** Throughput as "123 MB/s" from bytes and ms. */
export function mbps(nBytes, millis) {
  const v = nBytes / 1e6 / (millis / 1000)
  return Number.isFinite(v) ? `${Number(v.toPrecision(3))} MB/s` : '–'
}

/** MiB with one decimal. */
export const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`
