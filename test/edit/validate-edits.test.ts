import { writeFileSync as fsWriteFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './edit-api.js'

const bad: [string, unknown, number | undefined, string][] = [
  ['edits is not an array', { oldString: 'a', newString: 'b' }, undefined, 'non-empty array'],
  ['edits is empty', [], undefined, 'empty'],
  ['an edit is not an object', [{ oldString: 'a', newString: 'b' }, 'a->b'], 1, 'expected an object'],
  ['an edit is null', [null], 0, 'expected an object'],
  ['oldString is missing', [{ newString: 'b' }], 0, 'oldString must be a string'],
  ['newString is not a string', [{ oldString: 'a', newString: 5 }], 0, 'newString must be a string'],
  ['replaceAll is not a boolean', [{ oldString: 'a', newString: 'b', replaceAll: 'yes' }], 0, 'replaceAll'],
  ['expectedCount is zero', [{ oldString: 'a', newString: 'b', expectedCount: 0 }], 0, 'integer >= 1'],
  [
    'expectedCount is fractional',
    [{ oldString: 'a', newString: 'b', expectedCount: 1.5 }],
    0,
    'integer >= 1',
  ],
  [
    'replaceAll: false contradicts expectedCount',
    [{ oldString: 'a', newString: 'b', replaceAll: false, expectedCount: 2 }],
    0,
    'replaceAll is false',
  ],
  [
    'an empty oldString after the first edit',
    [
      { oldString: 'a', newString: 'b' },
      { oldString: '', newString: 'c' },
    ],
    1,
    'only the first edit',
  ],
  ['a snake_case key', [{ old_string: 'a', new_string: 'b' }], 0, 'Rename `old_string` to `oldString`'],
  ['an unknown key', [{ oldString: 'a', newString: 'b', global: true }], 0, 'unknown property `global`'],
  [
    'an empty oldString with replaceAll',
    [{ oldString: '', newString: 'b', replaceAll: true }],
    0,
    'creates the file',
  ],
]

describe.each(apis)('$name: ERR_EDIT_INVALID', (api) => {
  it.each(bad)('when %s', async (_, edits, index, text) => {
    const dir = tempDir()
    const file = join(dir, 'f.txt')
    fsWriteFileSync(file, 'a a\n')
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, edits))
    expect(err.code).toBe('ERR_EDIT_INVALID')
    expect(err.editIndex).toBe(index)
    expect(err.path).toBe(file)
    expect(err.message).toContain(text)
    expect(err.message).toContain(file)
    expect(err.message).toContain('left unchanged')
    expect(snapshot(dir)).toEqual(before)
  })

  it('checks the edits before any I/O', async () => {
    const file = join(tempDir(), 'f.txt')
    let calls = 0
    const { nodeFs } = await import('../../src/fs/node-fs.js')
    const real = nodeFs()
    const counting = new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          calls++
          return value.apply(target, args)
        }
      },
    })
    const err = await failureOf(api, () =>
      api.call(file, [{ oldString: 5, newString: 'x' }], { fs: counting }),
    )
    expect(err.code).toBe('ERR_EDIT_INVALID')
    expect(calls).toBe(0)
  })

  it('rejects bad edit options with Node argument errors', async () => {
    const file = join(tempDir(), 'f.txt')
    const edits = [{ oldString: 'a', newString: 'b' }]
    for (const options of [{ eol: 'cr' }, { bom: 'keep' }, { encoding: 'utf-9' }, { dryRun: 'yes' }]) {
      const err = await failureOf(api, () => api.call(file, edits, options))
      expect(['ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE']).toContain(err.code)
    }
  })
})
