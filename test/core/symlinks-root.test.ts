import {
  writeFileSync as fsWriteFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DurableWriteError, OutsideRootError } from '../../src/index.js'
import { snapshot, tempDir, tempFilesIn } from '../helpers/tmp.js'
import { apis, failureOf } from './write-api.js'

describe.each(apis)('$name: symlinks', (api) => {
  it("by default writes to the link's real target and keeps the link", async () => {
    const dir = tempDir()
    const real = join(dir, 'real.txt')
    const link = join(dir, 'link.txt')
    fsWriteFileSync(real, 'old')
    symlinkSync('real.txt', link)
    const stats = await api.write(link, 'new')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe('real.txt')
    expect(readFileSync(real, 'utf8')).toBe('new')
    expect(stats.path).toBe(real)
    expect(tempFilesIn(dir)).toEqual([])
  })

  it('follows a chain of links across directories to the final file', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'a'))
    mkdirSync(join(dir, 'b'))
    const real = join(dir, 'b', 'real.txt')
    fsWriteFileSync(real, 'old')
    symlinkSync(real, join(dir, 'b', 'hop2'))
    symlinkSync('../b/hop2', join(dir, 'a', 'hop1'))
    symlinkSync('a/hop1', join(dir, 'entry'))
    const stats = await api.write(join(dir, 'entry'), 'through the chain')
    expect(readFileSync(real, 'utf8')).toBe('through the chain')
    expect(stats.path).toBe(real)
    for (const link of ['entry', 'a/hop1', 'b/hop2']) {
      expect(lstatSync(join(dir, link)).isSymbolicLink()).toBe(true)
    }
  })

  it('writes through a dangling link, creating its target', async () => {
    const dir = tempDir()
    const link = join(dir, 'dangling')
    symlinkSync('target.txt', link)
    const stats = await api.write(link, 'created')
    expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('created')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(stats.path).toBe(join(dir, 'target.txt'))
  })

  it('keeps the mode of the real target, not of the link', async () => {
    const dir = tempDir()
    const real = join(dir, 'real.sh')
    fsWriteFileSync(real, 'old', { mode: 0o750 })
    symlinkSync('real.sh', join(dir, 'link'))
    await api.write(join(dir, 'link'), 'new')
    expect(lstatSync(real).mode & 0o7777).toBe(0o750)
  })

  it("with symlinks: 'replace' puts a regular file in place of the link and leaves the old target alone", async () => {
    const dir = tempDir()
    const real = join(dir, 'real.txt')
    const link = join(dir, 'link.txt')
    fsWriteFileSync(real, 'old target')
    symlinkSync('real.txt', link)
    const stats = await api.write(link, 'replacement', { symlinks: 'replace' })
    expect(lstatSync(link).isFile()).toBe(true)
    expect(readFileSync(link, 'utf8')).toBe('replacement')
    expect(readFileSync(real, 'utf8')).toBe('old target')
    expect(stats.path).toBe(link)
  })

  it('fails with ELOOP on a symlink loop and changes nothing', async () => {
    const dir = tempDir()
    symlinkSync('b', join(dir, 'a'))
    symlinkSync('a', join(dir, 'b'))
    const before = snapshot(dir)
    const err = await failureOf(api, () => api.call(join(dir, 'a'), 'x'))
    expect(err.code).toBe('ELOOP')
    expect(snapshot(dir)).toEqual(before)
  })
})

/** A root directory beside an outside directory, each holding one file. */
function rootAndOutside() {
  const base = tempDir()
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(root)
  mkdirSync(outside)
  fsWriteFileSync(join(root, 'inside.txt'), 'inside')
  fsWriteFileSync(join(outside, 'secret.txt'), 'secret')
  return { base, root, outside }
}

describe.each(apis)('$name: root', (api) => {
  it('writes paths inside the root, including new subdirectories and links that stay inside', async () => {
    const { root } = rootAndOutside()
    symlinkSync('inside.txt', join(root, 'alias'))
    await api.write(join(root, 'inside.txt'), 'updated', { root })
    await api.write(join(root, 'new', 'deep.txt'), 'deep', { root: pathToFileURL(root) })
    await api.write(join(root, 'alias'), 'via alias', { root })
    expect(readFileSync(join(root, 'new', 'deep.txt'), 'utf8')).toBe('deep')
    expect(readFileSync(join(root, 'inside.txt'), 'utf8')).toBe('via alias')
  })

  it('accepts a root reached through a symlink', async () => {
    const { base, root } = rootAndOutside()
    symlinkSync(root, join(base, 'root-link'))
    await api.write(join(base, 'root-link', 'inside.txt'), 'ok', { root: join(base, 'root-link') })
    expect(readFileSync(join(root, 'inside.txt'), 'utf8')).toBe('ok')
  })

  const escapes: [string, (p: { base: string; root: string; outside: string }) => string][] = [
    ['a `..` escape', ({ root }) => `${root}/sub/../../outside/secret.txt`],
    ['an absolute path outside', ({ outside }) => join(outside, 'secret.txt')],
    ['the parent of the root itself', ({ base }) => join(base, 'beside.txt')],
    [
      'a symlinked directory inside pointing outside',
      ({ root, outside }) => {
        symlinkSync(outside, join(root, 'escape-dir'))
        return join(root, 'escape-dir', 'secret.txt')
      },
    ],
    [
      'a new file below a symlinked directory pointing outside',
      ({ root, outside }) => {
        symlinkSync(outside, join(root, 'escape-dir'))
        return join(root, 'escape-dir', 'new', 'planted.txt')
      },
    ],
    [
      'a symlinked file inside pointing outside',
      ({ root, outside }) => {
        symlinkSync(join(outside, 'secret.txt'), join(root, 'escape-link'))
        return join(root, 'escape-link')
      },
    ],
    [
      'a dangling symlink inside pointing outside',
      ({ root, outside }) => {
        symlinkSync(join(outside, 'planted.txt'), join(root, 'escape-link'))
        return join(root, 'escape-link')
      },
    ],
  ]

  it.each(escapes)('rejects %s with ERR_OUTSIDE_ROOT and changes nothing', async (_, make) => {
    const dirs = rootAndOutside()
    const target = make(dirs)
    const before = snapshot(dirs.base)
    const err = await failureOf(api, () => api.call(target, 'pwned', { root: dirs.root }))
    expect(err).toBeInstanceOf(OutsideRootError)
    expect(err).toBeInstanceOf(DurableWriteError)
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(err.root).toBe(dirs.root)
    expect(err.message).toContain(dirs.root)
    expect(snapshot(dirs.base)).toEqual(before)
    expect(readFileSync(join(dirs.outside, 'secret.txt'), 'utf8')).toBe('secret')
  })

  it("with symlinks: 'replace' replaces a link pointing outside by a file inside the root", async () => {
    const { root, outside } = rootAndOutside()
    symlinkSync(join(outside, 'secret.txt'), join(root, 'escape-link'))
    await api.write(join(root, 'escape-link'), 'local', { root, symlinks: 'replace' })
    expect(lstatSync(join(root, 'escape-link')).isFile()).toBe(true)
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret')
  })
})
