import { existsSync, writeFileSync as fsWriteFileSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ConflictError,
  safeWriteMd,
  safeWriteMdSync,
  type TextOptions,
  versionOf,
  type WriteStats,
} from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { failureOf } from '../json/fixtures/json-api.js'

const mdApis = [
  {
    name: 'safeWriteMd',
    sync: false,
    call: safeWriteMd as (...args: unknown[]) => unknown,
    write: (path: string, text: string, options?: TextOptions) => safeWriteMd(path, text, options),
  },
  {
    name: 'safeWriteMdSync',
    sync: true,
    call: safeWriteMdSync as (...args: unknown[]) => unknown,
    write: async (path: string, text: string, options?: TextOptions): Promise<WriteStats> =>
      safeWriteMdSync(path, text, options),
  },
]

const BOM = '\uFEFF'

/** A file being replaced, and what the 'preserve' policies read from it. */
interface Previous {
  label: string
  content: string
  eol: '\n' | '\r\n'
  finalNewline: boolean | 'as given'
  bom: boolean
}

const previousFiles: Previous[] = [
  { label: 'LF, final newline', content: '# Old\nline\n', eol: '\n', finalNewline: true, bom: false },
  { label: 'CRLF, final newline', content: '# Old\r\nline\r\n', eol: '\r\n', finalNewline: true, bom: false },
  { label: 'CRLF, no final newline', content: '# Old\r\nline', eol: '\r\n', finalNewline: false, bom: false },
  { label: 'BOM, CRLF', content: `${BOM}# Old\r\nline\r\n`, eol: '\r\n', finalNewline: true, bom: true },
  {
    label: 'BOM, LF, no final newline',
    content: `${BOM}# Old\nline`,
    eol: '\n',
    finalNewline: false,
    bom: true,
  },
  { label: 'mixed, mostly CRLF', content: 'a\r\nb\r\nc\nd\r\n', eol: '\r\n', finalNewline: true, bom: false },
  { label: 'mixed, mostly LF', content: 'a\nb\r\nc\nd\n', eol: '\n', finalNewline: true, bom: false },
  { label: 'one line, no line break', content: 'just a line', eol: '\n', finalNewline: false, bom: false },
  { label: 'empty', content: '', eol: '\n', finalNewline: 'as given', bom: false },
  { label: 'BOM only', content: BOM, eol: '\n', finalNewline: 'as given', bom: true },
]

const missing: Omit<Previous, 'content'> = {
  label: 'missing',
  eol: '\n',
  finalNewline: 'as given',
  bom: false,
}

/** New texts: the same three lines with mixed line breaks (CRLF, LF, a lone CR), ending in `breaks` of them. */
const texts = [
  { text: '# Title\nBody\r\nLast', breaks: 0 },
  { text: '# Title\nBody\r\nLast\r\n', breaks: 1 },
  { text: `${BOM}# Title\rBody\nLast\n\r\n`, breaks: 2 },
]
const LINES = ['# Title', 'Body', 'Last']

const optionSets: TextOptions[] = []
for (const eol of [undefined, 'lf', 'crlf'] as const) {
  for (const finalNewline of [undefined, 'ensure'] as const) {
    for (const bom of [undefined, 'add', 'strip'] as const) {
      const o: TextOptions = {}
      if (eol) o.eol = eol
      if (finalNewline) o.finalNewline = finalNewline
      if (bom) o.bom = bom
      optionSets.push(o)
    }
  }
}

/**
 * What API.md promises for these inputs, policy by policy: line breaks become the chosen ending; a final
 * one is ensured, or all trailing ones removed, or the text's own kept; the BOM is there or not.
 */
function expected(previous: Omit<Previous, 'content'>, text: { breaks: number }, o: TextOptions) {
  const eol = o.eol === 'lf' ? '\n' : o.eol === 'crlf' ? '\r\n' : previous.eol
  const ensure = o.finalNewline === 'ensure' || previous.finalNewline === true
  const strip = o.finalNewline !== 'ensure' && previous.finalNewline === false
  const breaks = ensure ? Math.max(1, text.breaks) : strip ? 0 : text.breaks
  const bom = o.bom === 'add' || (o.bom !== 'strip' && previous.bom)
  return (bom ? BOM : '') + LINES.join(eol) + eol.repeat(breaks)
}

const needsPrevious = (o: TextOptions) => !o.eol || !o.finalNewline || !o.bom

describe.each(mdApis)('$name: line endings, final newline and BOM', (api) => {
  it.each(previousFiles)('over a file with $label: every policy combination', async (previous) => {
    const dir = tempDir()
    const file = join(dir, 'NOTES.md')
    for (const o of optionSets) {
      for (const text of texts) {
        fsWriteFileSync(file, previous.content)
        // 'fast' skips the fsyncs, which this matrix of formats does not need to repeat a thousand times.
        const stats = await api.write(file, text.text, { ...o, durability: 'fast' })
        const want = expected(previous, text, o)
        expect([o, text.text, readFileSync(file, 'utf8')]).toEqual([o, text.text, want])
        expect(stats.version).toBe(versionOf(want))
        expect(stats.ops.reads).toBe(needsPrevious(o) ? 1 : 0)
      }
    }
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('for a new file: LF, no BOM, the final newline as given, unless told otherwise', async () => {
    const dir = tempDir()
    const file = join(dir, 'NEW.md')
    for (const o of optionSets) {
      for (const text of texts) {
        rmSync(file, { force: true })
        const stats = await api.write(file, text.text, { ...o, durability: 'fast' })
        expect([o, text.text, readFileSync(file, 'utf8')]).toEqual([o, text.text, expected(missing, text, o)])
        expect(stats.ops).toMatchObject({ writes: 1, renames: 1 })
      }
    }
  })

  it('reads the file it replaces once when a policy is preserve, never when all are explicit', async () => {
    const dir = tempDir()
    const file = join(dir, 'README.md')
    fsWriteFileSync(file, `${BOM}old\r\n`)
    const preserved = await api.write(file, '# Title\nBody')
    expect(preserved.ops.reads).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe(`${BOM}# Title\r\nBody\r\n`)
    const explicit = await api.write(file, '# Title\r\nBody', {
      eol: 'lf',
      finalNewline: 'ensure',
      bom: 'strip',
    })
    expect(explicit.ops.reads).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('# Title\nBody\n')
  })

  it('removes every trailing line break when the replaced file had no final newline', async () => {
    const file = join(tempDir(), 'a.md')
    fsWriteFileSync(file, 'old\nno newline at end')
    await api.write(file, 'new\n\n\r\n')
    expect(readFileSync(file, 'utf8')).toBe('new')
  })

  it("leaves an empty text empty, even with finalNewline 'ensure'", async () => {
    const file = join(tempDir(), 'empty.md')
    fsWriteFileSync(file, 'old\n')
    await api.write(file, '', { finalNewline: 'ensure' })
    expect(readFileSync(file, 'utf8')).toBe('')
  })

  it('writes over a file that is not UTF-8 text without failing on it', async () => {
    const file = join(tempDir(), 'binary.md')
    fsWriteFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]))
    await api.write(file, 'text\n')
    expect(readFileSync(file, 'utf8')).toBe('text\r\n')
  })

  it('applies write options: ifMatch conflicts leave the file as it was', async () => {
    const dir = tempDir()
    const file = join(dir, 'doc.md')
    fsWriteFileSync(file, 'v1\r\n')
    const stale = versionOf('v0\r\n')
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, 'v2\n', { ifMatch: stale }))
    expect(err).toBeInstanceOf(ConflictError)
    expect(snapshot(dir)).toEqual(before)
    const stats = await api.write(file, 'v2\n', { ifMatch: versionOf('v1\r\n') })
    expect(stats.changed).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('v2\r\n')
  })

  it('reports changed: false with skipUnchanged when the formatted text is what the file holds', async () => {
    const file = join(tempDir(), 'same.md')
    fsWriteFileSync(file, '# Same\r\ntext\r\n')
    const stats = await api.write(file, '# Same\ntext', { skipUnchanged: true })
    expect(stats.changed).toBe(false)
    expect(stats.ops.renames).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('# Same\r\ntext\r\n')
  })

  it('creates missing parent directories for a new file', async () => {
    const dir = tempDir()
    const file = join(dir, 'docs', 'guide', 'intro.md')
    await api.write(file, '# Intro\r\n')
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('# Intro\n')
  })
})
