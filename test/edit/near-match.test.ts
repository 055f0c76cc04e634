import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findNearMatch, searchWork } from '../../src/edit/near-match.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

const SOURCE = [
  'function greet(name) {',
  '    const message = "Hello, " + name',
  '    console.log(message)',
  '    return message',
  '}',
  '',
  'function part() {',
  '    return 2',
  '}',
  '',
].join('\n')

describe('findNearMatch', () => {
  it('finds an indentation-only difference, with its line and a hint naming the indentation', () => {
    const report = findNearMatch(SOURCE, '\tconsole.log(message)\n\treturn message')
    expect(report.nearMatch).toEqual({
      line: 3,
      similarity: 1,
      text: '    console.log(message)\n    return message',
    })
    expect(report.hint).toContain('indentation')
    expect(report.hint).toContain('4 spaces')
    expect(report.hint).toContain('1 tab')
  })

  it('finds a curly-quote-only difference', () => {
    const report = findNearMatch(SOURCE, 'const message = “Hello, ” + name')
    expect(report.nearMatch?.line).toBe(2)
    expect(report.nearMatch?.text).toBe('const message = "Hello, " + name')
    expect(report.hint).toContain('quotes')
    expect(report.hint).toContain('straight quotes where oldString has curly')
  })

  it('finds straight quotes where the file has curly ones', () => {
    const report = findNearMatch('say ‘hi’ now\n', "say 'hi'")
    expect(report.nearMatch).toEqual({ line: 1, similarity: 1, text: 'say ‘hi’' })
    expect(report.hint).toContain('curly quotes where oldString has straight')
  })

  it('finds a line-break-only difference (stray carriage returns)', () => {
    const report = findNearMatch('a\nbefore\r\r\nafter\nz\n', 'before\nafter')
    expect(report.nearMatch).toEqual({ line: 2, similarity: 1, text: 'before\r\r\nafter' })
    expect(report.hint).toContain('line endings')
  })

  it('finds a close region by similarity when more than whitespace and quotes differ', () => {
    const report = findNearMatch(SOURCE, 'function part() {\n    return 3\n}')
    expect(report.nearMatch?.line).toBe(7)
    expect(report.nearMatch?.text).toBe('function part() {\n    return 2\n}')
    expect(report.nearMatch?.similarity).toBeGreaterThan(0.8)
    expect(report.nearMatch?.similarity).toBeLessThan(1)
    expect(report.hint).toBeUndefined()
  })

  it('reports nothing when nothing is close', () => {
    expect(findNearMatch(SOURCE, 'SELECT * FROM users WHERE id = 42')).toEqual({})
  })

  it('finds the closest line of a large file with work linear in its size', () => {
    const big = Array.from({ length: 50_000 }, (_, i) => `    line number ${i} with some text`).join('\n')
    const before = searchWork.steps
    const report = findNearMatch(big, '  line number 49999 with some texts')
    expect(report.nearMatch?.line).toBe(50_000)
    expect(report.nearMatch?.text).toBe('    line number 49999 with some text')
    expect(searchWork.steps - before).toBeLessThanOrEqual(6 * big.length)
  })
})

describe.each(apis)('$name: ERR_EDIT_NOT_FOUND with a near match', (api) => {
  async function notFound(content: string, oldString: string) {
    const dir = tempDir()
    const file = join(dir, 'code.js')
    fsWriteFileSync(file, content)
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, [{ oldString, newString: 'replaced' }]))
    expect(snapshot(dir)).toEqual(before)
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    expect(err.editIndex).toBe(0)
    return err
  }

  it('points at the right line and hints at indentation', async () => {
    const err = await notFound(SOURCE, '\treturn message')
    expect(err.nearMatch?.line).toBe(4)
    expect(err.nearMatch?.text).toBe('    return message')
    expect(err.hint).toContain('indentation')
    expect(err.message).toContain('line 4')
  })

  it('points at the right line and hints at line endings in a CRLF file', async () => {
    const crlf = 'first\r\nsecond\r\r\nthird\r\n'
    const err = await notFound(crlf, 'second\r\nthird')
    expect(err.nearMatch?.line).toBe(2)
    expect(err.hint).toContain('line endings')
  })

  it('points at the right line and hints at curly quotes', async () => {
    const err = await notFound('x = 1\nprint(“done”)\n', 'print("done")')
    expect(err.nearMatch?.line).toBe(2)
    expect(err.nearMatch?.text).toBe('print(“done”)')
    expect(err.hint).toContain('quotes')
  })

  it('gives a character window of a minified one-line file', async () => {
    const minified = Array.from({ length: 2500 }, (_, i) => `var v${i}=f(${i},"k${i}")`).join(';')
    expect(minified.length).toBeGreaterThan(60_000)
    const err = await notFound(minified, 'var v1700=f(1700,"k1701")')
    expect(err.nearMatch?.line).toBe(1)
    expect(err.nearMatch?.text).toContain('var v1700=f(1700,"k1700")')
    expect(err.nearMatch!.text.length).toBeLessThan(60)
    expect(err.message.length).toBeLessThan(1500)
  })

  it('says when an earlier edit of the call changes the same text', async () => {
    const dir = tempDir()
    const file = join(dir, 'code.js')
    fsWriteFileSync(file, SOURCE)
    const err = await failureOf(api, () =>
      api.call(file, [
        { oldString: 'return 2', newString: 'return 20' },
        { oldString: 'return 2\n}', newString: 'return 3\n}' },
      ]),
    )
    expect(err.code).toBe('ERR_EDIT_OVERLAP')
    expect(err.editIndex).toBe(1)
    expect(err.hint).toContain('merge edits[1] into edits[0]')
  })
})
