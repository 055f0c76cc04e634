// Builds the tables and target checks of a scenario result, keeping raw numbers beside the text.
import * as f from './format.mjs'
import { formatOps, typicalOps } from './ops.mjs'
import { ratioInterval, ratioOfMedians } from './stats.mjs'

/**
 * A table of timed implementations.
 * @param caption shown above the table
 * @param timings the result of `interleave`
 * @param rows `[{ key, label?, ops?, opsText?, noRatio?, cells? }]`: `ops(result)` picks WriteStats.ops
 *   from a call's result; `opsText` is fixed text for rows without WriteStats; `noRatio` replaces the
 *   ratio cells (for a row that did different work); `cells(entry)` returns the extra cells
 * @param ratioTo `[{ key, title }]`: one ratio column per baseline (paired by round)
 * @param extra titles of the extra cells that `rows[].cells` return
 */
export function timingTable({ caption, timings, rows, ratioTo = [], extra = [], opsColumn = true }) {
  const columns = [
    'implementation',
    'n',
    'median',
    'p95',
    'ops/s',
    'CPU per call',
    ...ratioTo.map((r) => r.title),
  ]
  if (opsColumn) columns.push('ops per call (WriteStats)')
  columns.push(...extra)
  const raw = []
  const body = rows.map((row) => {
    const e = timings[row.key]
    const s = e.summary
    const ratios = {}
    const intervals = {}
    for (const r of ratioTo) {
      ratios[r.key] = r.key === row.key ? 1 : ratioOfMedians(e, timings[r.key])
      intervals[r.key] = r.key === row.key ? [1, 1] : ratioInterval(e, timings[r.key])
    }
    const typical = row.ops ? typicalOps(e.results.map(row.ops)) : undefined
    const cells = [
      row.label ?? e.label,
      String(s.n),
      f.ms(s.median),
      f.ms(s.p95),
      f.perSec(s.opsPerSec),
      f.ms(s.cpuMedian),
      ...ratioTo.map((r) =>
        row.noRatio
          ? row.noRatio
          : r.key === row.key
            ? '1 (baseline)'
            : `${f.ratio(ratios[r.key])} ${f.interval(intervals[r.key])}`.trim(),
      ),
    ]
    if (opsColumn) {
      const text = typical ? formatOps(typical.ops) + (typical.constant ? '' : ' (most frequent)') : ''
      cells.push(row.opsText ?? text)
    }
    cells.push(...(row.cells ? row.cells(e) : []))
    raw.push({ key: row.key, label: row.label ?? e.label, ...s, ratios, intervals, ops: typical?.ops })
    return cells
  })
  return { caption, columns, rows: body, raw }
}

/** A plain table of already formatted cells. */
export const plainTable = (caption, columns, rows, raw) => ({ caption, columns, rows, raw })

/**
 * A target check: `value op limit`, e.g. check('durable-write ÷ raw-durable, 1 KiB', 1.04, '<=', 1.1).
 * `show` formats the value (ratio by default).
 */
export function check(text, value, op, limit, show = f.ratio, interval = undefined) {
  const pass =
    op === '<=' ? value <= limit : op === '>=' ? value >= limit : op === '==' ? value === limit : false
  const sign = op === '<=' ? '≤' : op === '>=' ? '≥' : '='
  const known = interval && Number.isFinite(interval[0])
  const range = known ? ` ${f.interval(interval)}` : ''
  // Decided: the whole 90% interval falls on one side of the limit.
  const decided = known ? !(interval[0] <= limit && limit <= interval[1]) : undefined
  return {
    text,
    value,
    interval,
    decided,
    op,
    limit,
    pass,
    measured: show(value) + range,
    wanted: `${sign} ${show(limit)}`,
  }
}

/** A check on a row's ratio to `key` (≤ limit), showing its 90% interval. */
export const ratioCheck = (text, row, key, limit) =>
  check(text, row.ratios[key], '<=', limit, f.ratio, row.intervals[key])
