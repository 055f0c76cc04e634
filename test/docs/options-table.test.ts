import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderOptionsTables, withTables } from '../../scripts/options-table.js'
import { API_OPTIONS } from '../../src/option-spec.js'

const readmePath = new URL('../../README.md', import.meta.url)

describe('the README options tables', () => {
  it('are the ones rendered from the declaration (DW_UPDATE_README=1 rewrites them)', () => {
    const readme = readFileSync(readmePath, 'utf8')
    const updated = withTables(readme)
    if (updated === undefined) {
      // No markers yet: at least every declared option is named somewhere in the README (the retry
      // options are the \`retry\` package's, which the README refers to as a whole).
      const { RetryOptions: _retry, ...documented } = API_OPTIONS
      const missing = Object.values(documented)
        .flatMap((spec) => Object.keys(spec))
        .filter((name) => !readme.includes(`\`${name}\``) && !readme.includes(` ${name}`))
      expect(missing).toEqual([])
      return
    }
    if (process.env.DW_UPDATE_README === '1') writeFileSync(readmePath, updated)
    expect(readme).toBe(updated)
  })

  it('show every option of every API with its meaning', () => {
    const text = renderOptionsTables()
    for (const spec of Object.values(API_OPTIONS))
      for (const name of Object.keys(spec)) expect(text).toContain(`| \`${name}\` |`)
  })
})
