import { describe, expect, it } from 'vitest'
import { backupStem } from '../../src/core/backup.js'
import { lockPathFor, sideName, sideStem, truncateUtf8 } from '../../src/core/side-name.js'

const bytes = (s: string) => Buffer.byteLength(s)

describe('side file names', () => {
  it('keep a name that fits NAME_MAX with its suffix unchanged', () => {
    expect(sideName('config.json', '.lock')).toBe('config.json.lock')
    const fits = 'a'.repeat(250)
    expect(sideName(fits, '.lock')).toBe(`${fits}.lock`)
    expect(lockPathFor('/data/config.json')).toBe('/data/config.json.lock')
  })

  it('fit NAME_MAX for a 255-byte name, ASCII or multibyte, cut on a character boundary', () => {
    for (const base of ['a'.repeat(255), `${'日'.repeat(83)}ab.txt`, `${'é'.repeat(127)}x`]) {
      expect(bytes(base)).toBe(255)
      for (const suffix of ['.lock', '.lock.owner', '.20261122T004108123Z-abcdef']) {
        const name = sideName(base, suffix)
        expect(bytes(name)).toBeLessThanOrEqual(255)
        expect(name.endsWith(suffix)).toBe(true)
        expect(name).toMatch(/~[0-9a-f]{16}\./)
        // Valid UTF-8 that round-trips: no character was split.
        expect(Buffer.from(name).toString('utf8')).toBe(name)
        expect(base.startsWith(name.slice(0, name.lastIndexOf('~')))).toBe(true)
      }
    }
  })

  it('differ for long names that share everything but their end', () => {
    const a = `${'p'.repeat(250)}a.txt`
    const b = `${'p'.repeat(250)}b.txt`
    expect(sideName(a, '.lock')).not.toBe(sideName(b, '.lock'))
    expect(backupStem(`/d/${a}`)).not.toBe(backupStem(`/d/${b}`))
    expect(sideStem(a, 5)).toBe(sideStem(a, 5))
  })

  it('truncate on UTF-8 character boundaries', () => {
    expect(truncateUtf8('日本語', 7)).toBe('日本')
    expect(truncateUtf8('日本語', 9)).toBe('日本語')
    expect(truncateUtf8('😀x', 3)).toBe('')
  })
})
