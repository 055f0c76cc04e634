import { writeFileSync as fsWriteFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConflictError, DurableWriteError, versionOf } from '../../src/index.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { apis, failureOf } from './write-api.js'

describe.each(apis)('$name: ifMatch', (api) => {
  it('writes when the version from readVersioned still matches', async () => {
    const file = join(tempDir(), 'cas.txt')
    fsWriteFileSync(file, 'v1')
    const { version } = await api.read(file)
    const stats = await api.write(file, 'v2', { ifMatch: version })
    expect(readFileSync(file, 'utf8')).toBe('v2')
    expect(stats.version).toBe(versionOf('v2'))
  })

  it('writes when the version from versionOf of the current bytes matches', async () => {
    const file = join(tempDir(), 'cas.txt')
    fsWriteFileSync(file, Buffer.from('é', 'latin1'))
    await api.write(file, 'next', { ifMatch: versionOf('é', 'latin1') })
    expect(readFileSync(file, 'utf8')).toBe('next')
  })

  it('chains: the version a write returns is a valid ifMatch for the next write', async () => {
    const file = join(tempDir(), 'chain.txt')
    const a = await api.write(file, 'a')
    const b = await api.write(file, 'b', { ifMatch: a.version })
    const err = await failureOf(api, () => api.call(file, 'c', { ifMatch: a.version }))
    expect(err.code).toBe('ERR_CONFLICT')
    await api.write(file, 'c', { ifMatch: b.version })
    expect(readFileSync(file, 'utf8')).toBe('c')
  })

  it('fails with ERR_CONFLICT, the expected and the actual version, when the file changed', async () => {
    const dir = tempDir()
    const file = join(dir, 'cas.txt')
    fsWriteFileSync(file, 'v1')
    const { version } = await api.read(file)
    fsWriteFileSync(file, 'changed by someone else')
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, 'v2', { ifMatch: version }))
    expect(err).toBeInstanceOf(ConflictError)
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.expected).toBe(version)
    expect(err.actual).toBe(versionOf('changed by someone else'))
    expect(err.path).toBe(file)
    expect(err.message).toContain(file)
    expect(snapshot(dir)).toEqual(before)
  })

  it('fails with ERR_CONFLICT and actual null when the file does not exist', async () => {
    const dir = tempDir()
    const file = join(dir, 'gone.txt')
    const expected = versionOf('anything')
    const err = await failureOf(api, () => api.call(file, 'x', { ifMatch: expected }))
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.expected).toBe(expected)
    expect(err.actual).toBeNull()
    expect(snapshot(dir)).toEqual({})
  })

  it('treats a well-formed version of other content as a mismatch', async () => {
    const dir = tempDir()
    const file = join(dir, 'cas.txt')
    fsWriteFileSync(file, 'v1')
    const err = await failureOf(api, () => api.call(file, 'v2', { ifMatch: `sha256:${'A'.repeat(43)}` }))
    expect(err.code).toBe('ERR_CONFLICT')
    expect(readFileSync(file, 'utf8')).toBe('v1')
  })

  it('refuses a string that is not a version token as an argument error, not a conflict', async () => {
    const dir = tempDir()
    const file = join(dir, 'cas.txt')
    fsWriteFileSync(file, 'v1')
    const err = await failureOf(api, () => api.call(file, 'v2', { ifMatch: 'not-a-version' }))
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(err.message).toContain('`options.ifMatch`')
    expect(readFileSync(file, 'utf8')).toBe('v1')
  })
})

describe.each(apis)('$name: ifNoneMatch', (api) => {
  it("with '*' creates a missing file", async () => {
    const file = join(tempDir(), 'new.txt')
    const stats = await api.write(file, 'created', { ifNoneMatch: '*' })
    expect(readFileSync(file, 'utf8')).toBe('created')
    expect(stats.changed).toBe(true)
  })

  it("with '*' fails with ERR_CONFLICT on an existing file and leaves it unchanged", async () => {
    const dir = tempDir()
    const file = join(dir, 'exists.txt')
    fsWriteFileSync(file, 'original')
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(file, 'replacement', { ifNoneMatch: '*' }))
    expect(err).toBeInstanceOf(ConflictError)
    expect(err.code).toBe('ERR_CONFLICT')
    expect(err.actual).toBe(versionOf('original'))
    expect(err.path).toBe(file)
    expect(snapshot(dir)).toEqual(before)
  })

  it("with '*' counts an empty existing file as existing", async () => {
    const dir = tempDir()
    const file = join(dir, 'empty.txt')
    fsWriteFileSync(file, '')
    const err = await failureOf(api, () => api.call(file, 'x', { ifNoneMatch: '*' }))
    expect(err.code).toBe('ERR_CONFLICT')
    expect(readFileSync(file, 'utf8')).toBe('')
  })
})
