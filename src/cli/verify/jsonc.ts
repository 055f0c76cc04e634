/**
 * Files that are JSON with comments by convention (TypeScript and editor configs): they are checked
 * after {@link stripJsonComments}, as the tools that read them do.
 */
export function isJsonWithComments(path: string): boolean {
  const parts = path.split(/[\\/]/)
  const name = parts.at(-1) ?? ''
  return (
    /^[tj]sconfig(\..+)?\.json$/.test(name) ||
    parts.includes('.vscode') ||
    name === 'devcontainer.json' ||
    name === '.devcontainer.json'
  )
}

/**
 * Turns JSON with comments into JSON: `//` and block comments become spaces (so positions in error
 * messages stay right), and a comma before a closing bracket is removed. Strings are left alone.
 */
export function stripJsonComments(text: string): string {
  let out = ''
  let i = 0
  let pendingComma = -1
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '"') {
      const start = i
      i++
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
      i++
      out += text.slice(start, i)
      pendingComma = -1
    } else if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i)
      const stop = end < 0 ? text.length : end
      out += ' '.repeat(stop - i)
      i = stop
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      const stop = end < 0 ? text.length : end + 2
      out += text.slice(i, stop).replace(/[^\n]/g, ' ')
      i = stop
    } else {
      if ((ch === '}' || ch === ']') && pendingComma >= 0) {
        out = `${out.slice(0, pendingComma)} ${out.slice(pendingComma + 1)}`
      }
      if (ch === ',') pendingComma = out.length
      else if (!/\s/.test(ch)) pendingComma = -1
      out += ch
      i++
    }
  }
  return out
}
