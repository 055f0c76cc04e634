/**
 * A small line diff: common prefix and suffix trimmed, Myers' O(ND) algorithm on the rest (bounded:
 * past a work budget the rest is shown as replaced), printed as a unified diff.
 */

type Op = { kind: ' ' | '-' | '+'; line: string }

/** Lines with their endings; the last one may have none. */
function splitLines(text: string): string[] {
  const lines: string[] = []
  let at = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', at)) {
    lines.push(text.slice(at, i + 1))
    at = i + 1
  }
  if (at < text.length) lines.push(text.slice(at))
  return lines
}

/** Work budget of the middle diff, in compared line pairs, and the most differences searched for. */
const BUDGET = 10_000_000
const MAX_D = 2_000

/** Myers' shortest edit script for `a` → `b` (line ids), or undefined past the budget. */
function myers(a: readonly number[], b: readonly number[]): Op['kind'][] | undefined {
  const n = a.length
  const m = b.length
  const max = n + m
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  let work = 0
  for (let d = 0; d <= Math.min(max, MAX_D); d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1
      let y = x - k
      const from = x
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      work += 1 + x - from
      v[offset + k] = x
      if (x >= n && y >= m) return backtrack(trace, d, n, m)
    }
    if (work > BUDGET) return undefined
  }
  return undefined
}

function backtrack(trace: readonly Int32Array[], dEnd: number, n: number, m: number): Op['kind'][] {
  const out: Op['kind'][] = []
  let x = n
  let y = m
  for (let d = dEnd; d > 0; d--) {
    const snap = trace[d]!
    const at = (k: number) => snap[k + d + 1]!
    const k = x - y
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1))
    const prevK = down ? k + 1 : k - 1
    const prevX = at(prevK)
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      out.push(' ')
      x--
      y--
    }
    out.push(down ? '+' : '-')
    if (down) y--
    else x--
  }
  while (x > 0 && y > 0) {
    out.push(' ')
    x--
    y--
  }
  return out.reverse()
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
    suf++
  const midA = a.slice(pre, a.length - suf)
  const midB = b.slice(pre, b.length - suf)
  const ids = new Map<string, number>()
  const id = (line: string) => {
    let n = ids.get(line)
    if (n === undefined) ids.set(line, (n = ids.size))
    return n
  }
  const kinds = myers(midA.map(id), midB.map(id)) ?? [
    ...midA.map(() => '-' as const),
    ...midB.map(() => '+' as const),
  ]
  const ops: Op[] = a.slice(0, pre).map((line) => ({ kind: ' ', line }))
  let i = 0
  let j = 0
  for (const kind of kinds) {
    if (kind === '+') ops.push({ kind, line: midB[j++]! })
    else {
      ops.push({ kind, line: midA[i++]! })
      if (kind === ' ') j++
    }
  }
  for (const line of a.slice(a.length - suf)) ops.push({ kind: ' ', line })
  return ops
}

function range(start: number, count: number): string {
  if (count === 1) return `${start}`
  return `${count === 0 ? start - 1 : start},${count}`
}

function printLine(op: Op): string {
  const body = op.line.endsWith('\n') ? op.line.slice(0, -1) : `${op.line}\n\\ No newline at end of file`
  return `${op.kind}${body}\n`
}

/**
 * A unified diff of `oldText` → `newText` with `context` lines around each change; empty when equal.
 * Lines keep their own endings (a CR shows before the newline), like `diff -u`.
 * @param oldName header of the old side, e.g. `a/config.txt` or `/dev/null`
 */
export function unifiedDiff(
  oldText: string,
  newText: string,
  oldName: string,
  newName: string,
  context = 3,
): string {
  if (oldText === newText) return ''
  const ops = editScript(splitLines(oldText), splitLines(newText))
  const hunks: [number, number][] = []
  ops.forEach((op, i) => {
    if (op.kind === ' ') return
    const last = hunks[hunks.length - 1]
    if (last && i - context <= last[1]) last[1] = Math.min(ops.length, i + 1 + context)
    else hunks.push([Math.max(0, i - context), Math.min(ops.length, i + 1 + context)])
  })
  const out = [`--- ${oldName}\n`, `+++ ${newName}\n`]
  let at = 0
  let oldLine = 1
  let newLine = 1
  for (const [start, end] of hunks) {
    for (; at < start; at++) {
      if (ops[at]!.kind !== '+') oldLine++
      if (ops[at]!.kind !== '-') newLine++
    }
    const hunk = ops.slice(start, end)
    const oldCount = hunk.filter((o) => o.kind !== '+').length
    const newCount = hunk.filter((o) => o.kind !== '-').length
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n`)
    for (const op of hunk) out.push(printLine(op))
  }
  return out.join('')
}
