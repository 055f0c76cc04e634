import type { Stats } from 'node:fs'

/** True when the temp `name` was abandoned by its writer, so recovery may remove it. */
export function abandonedTemp(_name: string, _stat: Stats): boolean {
  return true
}
