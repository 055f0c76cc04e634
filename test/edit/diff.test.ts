import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { unifiedDiff } from '../../src/edit/diff.js'
import { tempDir } from '../helpers/tmp.js'

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'a/x', 'b/x')).toBe('')
  })

  it('separates distant changes into hunks and merges close ones', () => {
    const old = `${Array.from({ length: 30 }, (_, i) => `${i + 1}`).join('\n')}\n`
    const next = old.replace('\n3\n', '\nthree\n').replace('\n8\n', '\neight\n').replace('\n25\n', '\n')
    expect(unifiedDiff(old, next, 'a/n', 'b/n')).toBe(
      [
        '--- a/n',
        '+++ b/n',
        '@@ -1,11 +1,11 @@',
        ' 1',
        ' 2',
        '-3',
        '+three',
        ' 4',
        ' 5',
        ' 6',
        ' 7',
        '-8',
        '+eight',
        ' 9',
        ' 10',
        ' 11',
        '@@ -22,7 +22,6 @@',
        ' 22',
        ' 23',
        ' 24',
        '-25',
        ' 26',
        ' 27',
        ' 28',
        '',
      ].join('\n'),
    )
  })

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a\nb', 'a\nc', 'a/f', 'b/f')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    )
  })

  it('produces patches that the patch tool applies exactly', () => {
    const dir = tempDir()
    const line = fc.constantFrom('a', 'b', 'c', 'd', 'e', '')
    const text = fc
      .array(line, { maxLength: 40 })
      .chain((lines) => fc.boolean().map((final) => lines.join('\n') + (final && lines.length ? '\n' : '')))
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff(before, after, 'a/f.txt', 'b/f.txt')
        if (before === after) return diff === ''
        const file = join(dir, 'f.txt')
        writeFileSync(file, before)
        writeFileSync(join(dir, 'p.diff'), diff)
        execFileSync('patch', ['-s', '-p1', '-i', 'p.diff'], { cwd: dir })
        return readFileSync(file, 'utf8') === after
      }),
      { numRuns: 60 },
    )
  })
})

describe('unifiedDiff on large texts', () => {
  it('diffs two distant changes in 100 000 lines as two small hunks', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i}`)
    const before = `${lines.join('\n')}\n`
    const changed = [...lines]
    changed[10] = 'changed 10'
    changed[99_990] = 'changed 99990'
    const diff = unifiedDiff(before, `${changed.join('\n')}\n`, 'a/big', 'b/big')
    expect(diff.match(/^@@/gm)).toHaveLength(2)
    expect(diff).toContain('@@ -8,7 +8,7 @@\n')
    expect(diff).toContain('-line 99990\n+changed 99990\n')
  })

  it('still gives a correct diff when the texts differ everywhere (past the work budget)', () => {
    const dir = tempDir()
    const before = `${Array.from({ length: 5000 }, (_, i) => `a${i}`).join('\n')}\n`
    const after = `${Array.from({ length: 5000 }, (_, i) => (i % 2 ? `a${i}` : `b${i}`)).join('\n')}\n`
    const diff = unifiedDiff(before, after, 'a/f.txt', 'b/f.txt')
    writeFileSync(join(dir, 'f.txt'), before)
    writeFileSync(join(dir, 'p.diff'), diff)
    execFileSync('patch', ['-s', '-p1', '-i', 'p.diff'], { cwd: dir })
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe(after)
  })
})
