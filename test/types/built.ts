import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root. */
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Why tests of the built package cannot run, or `undefined` when every one of `files` (relative to the
 * package root) exists. `npm test` builds before vitest runs; in CI (env `CI` set) a missing build is
 * a failure, not a reason to skip.
 */
export function missingBuild(files: readonly string[]): string | undefined {
  const missing = files.filter((file) => !existsSync(join(packageRoot, file)))
  if (missing.length === 0) return undefined
  const reason = `${missing.join(', ')} missing: run \`npm run build\` first (npm test does)`
  if (process.env.CI) throw new Error(`The package is not built in CI: ${reason}.`)
  return reason
}
