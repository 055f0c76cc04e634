import { appendFileSync } from 'node:fs'

/**
 * Adds `count` to a reliability figure (crash states explored, faults injected, kills survived, ...)
 * when the run is a report run: `npm run reliability` sets DW_REPORT_FILE and sums the lines.
 * Outside a report run it does nothing.
 */
export function reportFigure(figure: string, count: number, detail?: string): void {
  const file = process.env.DW_REPORT_FILE
  if (!file || count === 0) return
  appendFileSync(file, `${JSON.stringify({ figure, count, detail })}\n`)
}

/** The size multiplier of the reliability suites: DW_RELIABILITY_SCALE (1 in CI). */
export function reliabilityScale(): number {
  const n = Number(process.env.DW_RELIABILITY_SCALE ?? 1)
  return Number.isFinite(n) && n > 0 ? n : 1
}
