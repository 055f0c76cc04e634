// Some registries (mirrors) do not serve every platform's build of a package with native binaries
// (biome, esbuild, rollup). npm then leaves those optional packages out of package-lock.json, and
// `npm ci` refuses the lock file. This adds an entry for each missing optional dependency, with the
// exact version its parent asks for; npm ci skips them on other platforms as optional packages.
// Run it after `npm install` has rewritten the lock file: `node scripts/lockfile-optional.mjs`.
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const packages = lock.packages
let added = 0
for (const meta of Object.values(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (key in packages || !/^\d+\.\d+\.\d+/.test(spec)) continue
    packages[key] = { version: spec, dev: true, optional: true }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
)
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: ${added} optional packages added`)
