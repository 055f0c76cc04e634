/**
 * Where JSON text goes wrong, for error messages: JSON.parse names a position for some syntax errors
 * only (not for an unexpected token, such as the NUL bytes of a zeroed file, nor for text that ends
 * too early).
 */

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
/** The characters that may follow a backslash, other than `u`: " \ / b f n r t. */
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74])
const LITERALS = new Map([
  [0x74, 'true'],
  [0x66, 'false'],
  [0x6e, 'null'],
])

/**
 * The offset of the first character at which `text` stops being JSON (RFC 8259, as JSON.parse reads
 * it): `text.length` when the text ends before the value does, `-1` when the text is valid JSON.
 * A linear scan with an explicit stack, so nesting depth is not limited by the call stack.
 * @example
 * jsonErrorOffset('[1,2,]') // 5
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length
  const open: number[] = []
  let i = 0
  const at = (k: number) => text.charCodeAt(k) // NaN past the end: matches no test below
  const skipSpace = () => {
    while (i < n && isSpace(at(i))) i++
  }
  /** Scans a string starting at its opening quote; returns the offset of an error, or -1. */
  const scanString = (): number => {
    for (i++; i < n; i++) {
      const c = at(i)
      if (c === 0x22) {
        i++
        return -1
      }
      if (c < 0x20) return i
      if (c !== 0x5c) continue
      i++
      if (i >= n) return n
      if (ESCAPES.has(at(i))) continue
      if (at(i) !== 0x75) return i
      for (let k = 1; k <= 4; k++) {
        if (i + k >= n) return n
        if (!isHex(at(i + k))) return i + k
      }
      i += 4
    }
    return n
  }
  /** Scans digits, at least one; returns the offset of an error, or -1. */
  const scanDigits = (): number => {
    if (i >= n) return n
    if (!isDigit(at(i))) return i
    while (i < n && isDigit(at(i))) i++
    return -1
  }
  const scanNumber = (): number => {
    if (at(i) === 0x2d) i++
    if (at(i) === 0x30) i++
    else {
      const err = scanDigits()
      if (err >= 0) return err
    }
    if (at(i) === 0x2e) {
      i++
      const err = scanDigits()
      if (err >= 0) return err
    }
    if (at(i) === 0x65 || at(i) === 0x45) {
      i++
      if (at(i) === 0x2b || at(i) === 0x2d) i++
      const err = scanDigits()
      if (err >= 0) return err
    }
    return -1
  }
  /** Scans `"key" :` in an object; returns the offset of an error, or -1. */
  const scanKey = (): number => {
    skipSpace()
    if (i >= n) return n
    if (at(i) !== 0x22) return i
    const err = scanString()
    if (err >= 0) return err
    skipSpace()
    if (i >= n) return n
    if (at(i) !== 0x3a) return i
    i++
    return -1
  }

  for (;;) {
    // A value is expected.
    skipSpace()
    if (i >= n) return n
    const c = at(i)
    let err = -1
    if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d
      i++
      skipSpace()
      if (at(i) === close) i++
      else {
        open.push(close)
        if (c === 0x7b) {
          err = scanKey()
          if (err >= 0) return err
        }
        continue
      }
    } else if (c === 0x22) err = scanString()
    else if (c === 0x2d || isDigit(c)) err = scanNumber()
    else {
      const word = LITERALS.get(c)
      if (word === undefined) return i
      for (let k = 0; k < word.length; k++, i++) {
        if (i >= n) return n
        if (text[i] !== word[k]) return i
      }
    }
    if (err >= 0) return err
    // After a value: close finished containers, then a comma, or the end of the text.
    for (;;) {
      skipSpace()
      const close = open[open.length - 1]
      if (close === undefined) return i < n ? i : -1
      if (i >= n) return n
      if (at(i) === close) {
        open.pop()
        i++
        continue
      }
      if (at(i) !== 0x2c) return i
      i++
      if (close === 0x7d) {
        err = scanKey()
        if (err >= 0) return err
      }
      break
    }
  }
}
