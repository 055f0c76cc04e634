import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeFs } from '../fs/node-fs.js'

/**
 * The version in durable-write's package.json, found by walking up from this module (dist/ when
 * installed, src/cli/ in the repository).
 */
export function packageVersion(): string {
  const fs = nodeFs()
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(join(dir, 'package.json')).toString('utf8')) as {
        name?: unknown
        version?: unknown
      }
      if (pkg.name === 'durable-write' && typeof pkg.version === 'string') return pkg.version
    } catch {
      // No package.json here (or not ours): look in the parent.
    }
    if (dirname(dir) === dir) throw new Error("durable-write's package.json was not found.")
  }
}
