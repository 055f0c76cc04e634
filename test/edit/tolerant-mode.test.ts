import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, type EditFailure } from './edit-api.js'

function fileWith(content: string | Buffer) {
  const dir = tempDir()
  const file = join(dir, 'code.txt')
  fsWriteFileSync(file, content)
  return { dir, file }
}

async function failure(p: Promise<unknown>): Promise<EditFailure> {
  try {
    await p
  } catch (err) {
    return err as EditFailure
  }
  throw new Error('expected the edit to fail')
}

describe.each(apis)("$name with match: 'tolerant'", (api) => {
  it('applies an edit whose oldString differs only in indentation, re-indenting newString', async () => {
    const { file } = fileWith('function f() {\n    if (x) {\n        return 1\n    }\n}\n')
    const edit = { oldString: 'if (x) {\n    return 1\n}', newString: 'if (x) {\n    return 2\n}' }
    const r = await api.edit(file, [edit], { match: 'tolerant' })
    expect(readFileSync(file, 'utf8')).toBe('function f() {\n    if (x) {\n        return 2\n    }\n}\n')
    expect(r.applied[0]!.tolerated).toContain('indentation')
  })

  it('applies across curly quotes and a no-break space, keeping CRLF endings and the BOM', async () => {
    const { file } = fileWith(Buffer.from('\uFEFFsay(“hello”);\r\nlet\u00a0a = 1;\r\n'))
    const r = await api.edit(file, [{ oldString: 'let a = 1;', newString: 'let a = 2;' }], {
      match: 'tolerant',
    })
    expect(readFileSync(file, 'utf8')).toBe('\uFEFFsay(“hello”);\r\nlet\u00a0a = 2;\r\n')
    expect(r.applied[0]!.tolerated).toEqual(['spaces'])
  })

  it('refuses with ERR_EDIT_AMBIGUOUS when two regions qualify, the file unchanged', async () => {
    const { dir, file } = fileWith('  x = “a”\n\tx = “a”\n')
    const before = snapshot(dir)
    const err = await failure(
      api.edit(file, [{ oldString: 'x = "a"', newString: 'x = "b"' }], { match: 'tolerant' }),
    )
    expect(err.code).toBe('ERR_EDIT_AMBIGUOUS')
    expect(err.matches?.lines).toEqual([1, 2])
    expect(snapshot(dir)).toEqual(before)
  })

  it('stays exact by default: the same edit fails with ERR_EDIT_NOT_FOUND and a hint', async () => {
    const { dir, file } = fileWith('let\u00a0a = 1;\n')
    const before = snapshot(dir)
    const err = await failure(api.edit(file, [{ oldString: 'let a = 1;', newString: 'let a = 2;' }]))
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
    expect(err.hint).toContain('\\u00a0')
    expect(snapshot(dir)).toEqual(before)
  })

  it('does not tolerate different words', async () => {
    const { file } = fileWith('let a = 1;\n')
    const err = await failure(
      api.edit(file, [{ oldString: 'let b = 1;', newString: 'let b = 2;' }], { match: 'tolerant' }),
    )
    expect(err.code).toBe('ERR_EDIT_NOT_FOUND')
  })

  it("refuses a match value other than 'exact' or 'tolerant'", async () => {
    const { dir, file } = fileWith('a\n')
    const before = snapshot(dir)
    const err = await failure(
      Promise.resolve().then(() => api.call(file, [{ oldString: 'a', newString: 'b' }], { match: 'fuzzy' })),
    )
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(snapshot(dir)).toEqual(before)
  })
})
