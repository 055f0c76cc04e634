import { writeFileSync as fsWriteFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  AtomicWriter,
  batchWrite,
  createWriteStream,
  multiEdit,
  multiEditSync,
  safeWriteJson,
  safeWriteJsonSync,
  safeWriteMd,
  safeWriteMdSync,
  update,
  updateJson,
  WriteQueue,
  writeFile,
  writeFileSync,
  writeTransaction,
} from '../../src/index.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { errorOf } from './write-api.js'

/** Every write API, given a path as the user typed it. */
const writes: [string, (path: string) => unknown][] = [
  ['writeFile', (p) => writeFile(p, 'x')],
  ['writeFileSync', (p) => writeFileSync(p, 'x')],
  ['safeWriteJson', (p) => safeWriteJson(p, { a: 1 })],
  ['safeWriteJsonSync', (p) => safeWriteJsonSync(p, { a: 1 })],
  ['safeWriteMd', (p) => safeWriteMd(p, '# x')],
  ['safeWriteMdSync', (p) => safeWriteMdSync(p, '# x')],
  ['update', (p) => update(p, () => 'x')],
  ['updateJson', (p) => updateJson(p, () => ({ a: 1 }))],
  ['multiEdit', (p) => multiEdit(p, [{ oldString: 'original', newString: 'x' }])],
  ['multiEditSync', (p) => multiEditSync(p, [{ oldString: 'original', newString: 'x' }])],
  [
    'createWriteStream',
    (p) =>
      new Promise((resolve, reject) => {
        const s = createWriteStream(p)
        s.on('error', reject).on('finish', resolve)
        s.end('x')
      }),
  ],
  ['batchWrite', (p) => batchWrite([{ path: p, data: 'x' }])],
  ['batchWrite atomic: false', (p) => batchWrite([{ path: p, data: 'x' }], { atomic: false })],
  ['tx.writeFile', (p) => writeTransaction((tx) => tx.writeFile(p, 'x'))],
  ['tx.writeJson', (p) => writeTransaction((tx) => tx.writeJson(p, {}))],
  ['tx.writeMd', (p) => writeTransaction((tx) => tx.writeMd(p, '# x'))],
  ['tx.remove', (p) => writeTransaction((tx) => tx.remove(p))],
  ['queue.write', (p) => new WriteQueue().write(p, 'x')],
  ['AtomicWriter.writeFile', (p) => new AtomicWriter().writeFile(p, 'x')],
]

function fixture() {
  const dir = tempDir()
  const file = join(dir, 'existing.txt')
  fsWriteFileSync(file, 'original\n')
  mkdirSync(join(dir, 'sub'))
  return { dir, file }
}

describe.each(writes)('%s: a path with a trailing slash', (_name, write) => {
  it('fails with ENOTDIR naming the path when it names a file, which stays unchanged', async () => {
    const { dir, file } = fixture()
    const before = snapshot(dir)
    const err = await errorOf(() => write(`${file}/`))
    expect(err.code).toBe('ENOTDIR')
    expect(err.path).toBe(`${file}/`)
    expect(err.message).toContain(`${file}/`)
    expect(snapshot(dir)).toEqual(before)
  })

  it('fails with EISDIR when it names nothing, creating nothing', async () => {
    const { dir } = fixture()
    const before = snapshot(dir)
    const err = await errorOf(() => write(join(dir, 'new.txt/')))
    expect(err.code).toBe('EISDIR')
    expect(err.message).toContain(join(dir, 'new.txt/'))
    expect(snapshot(dir)).toEqual(before)
  })
})
