// Deterministic test content: ASCII text of an exact size, and JSON values of a target size.

const LINE = 'const value = computeSomething(alpha, beta, gamma) // keeps the example realistic\n'

/** ASCII text of exactly `size` bytes; `variant` changes the content but not the size. */
export function text(size, variant = 0) {
  const head = `// variant ${variant}\n`
  let s = head
  while (s.length < size) s += LINE
  return s.slice(0, size)
}

/** A record of ordinary JSON data (numbers, short strings, booleans, a nested object and array). */
export function record(i) {
  return {
    id: i,
    name: `user-${i}`,
    email: `user${i}@example.com`,
    active: i % 3 !== 0,
    score: (i * 7919) % 10007,
    ratio: ((i * 31) % 1000) / 1000,
    tags: ['alpha', 'beta', `t${i % 17}`],
    address: { city: `City ${i % 101}`, zip: String(10000 + (i % 89999)), country: 'NL' },
  }
}

/** An array of records whose JSON (2-space indent, as safeWriteJson writes it) is about `bytes`. */
export function recordsOfSize(bytes) {
  const per = JSON.stringify([record(123456)], null, 2).length - 4
  const n = Math.max(1, Math.round(bytes / per))
  return Array.from({ length: n }, (_, i) => record(i))
}
