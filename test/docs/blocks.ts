import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A fenced code block of a Markdown file. */
export interface Block {
  /** The file, relative to the package root. */
  file: string
  /** The 1-based line of the opening fence. */
  line: number
  /** The first word of the info string: `js`, `ts`, `sh`, `json`, ... */
  lang: string
  /**
   * The other words of the info string, the markers the doctest honours:
   * `fragment` (js/ts: an excerpt, only its syntax is checked) and `no-run` (sh: not run, e.g. it
   * installs from the registry or runs the repository's own long scripts).
   */
  flags: string[]
  code: string
  /**
   * Setup run before the block, from an HTML comment right above it (invisible on the rendered page):
   * `<!-- doctest-setup ... -->`. For js/ts blocks it is code put before the block in the same module,
   * for sh blocks shell commands.
   */
  setup: string
}

const FENCE = /^(`{3,}|~{3,})\s*(\S*)\s*(.*)$/
const SETUP = /^<!--\s*doctest-setup\b([\s\S]*)-->$/

/** The setup of the HTML comment that ends `before` (the text above a fence), if it is one. */
function setupAbove(before: string): string {
  if (!before.endsWith('-->')) return ''
  const comment = SETUP.exec(before.slice(before.lastIndexOf('<!--')))
  return comment ? `${(comment[1] ?? '').trim()}\n` : ''
}

/** The fenced code blocks of `file` (relative to `root`). */
export function blocksOf(root: string, file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '')
    if (!open) continue
    const [, fence = '```', lang = '', rest = ''] = open
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith(fence); i++) body.push(lines[i] ?? '')
    const before = lines.slice(0, start).join('\n').trimEnd()
    blocks.push({
      file,
      line: start + 1,
      lang,
      flags: rest.split(/\s+/).filter(Boolean),
      code: `${body.join('\n')}\n`,
      setup: setupAbove(before),
    })
  }
  return blocks
}

/** README.md and every docs/*.md (docs/api/ is typedoc's output and holds no examples of its own). */
export function documentedFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs]
}
