import { invalidArgValue } from './errors.js'
import type { OptionSpec } from './option-spec.js'

/** Edit distance with transpositions (optimal string alignment), ignoring case. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i])
  for (let j = 1; j <= t.length; j++) d[0]![j] = j
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[s.length]![t.length]!
}

/** The known name closest to `name` (the first of equals, in declaration order). */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const k of known) {
    // A name that contains or is contained in a known one (`durabilityMode`, `sync`) counts as close.
    const d =
      k.toLowerCase().includes(name.toLowerCase()) || name.toLowerCase().includes(k.toLowerCase())
        ? Math.min(distance(name, k), Math.abs(k.length - name.length) / 2)
        : distance(name, k)
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  return best
}

/**
 * Refuses an options object with a name `spec` does not declare: a `TypeError` with code
 * `ERR_INVALID_ARG_VALUE` that names the closest declared option. `name` is how the message names
 * the object (`options`, `options.lock`, `entries[2].options`), `api` the call it belongs to.
 * Only own enumerable string keys count; the check runs before anything touches the disk.
 */
export function checkOptionNames(options: object, spec: OptionSpec, name: string, api: string): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(spec, key)) continue
    const known = Object.keys(spec)
    const closest = closestName(key, known)
    const err = invalidArgValue(`${name}.${key}`, '', undefined, 'type')
    err.message =
      `\`${key}\` is not an option of ${api} (in \`${name}\`)` +
      (closest === undefined ? '' : `; did you mean \`${closest}\`?`) +
      ` Rename or remove it; nothing was done. Known options: ${known.join(', ')}.`
    throw err
  }
}
