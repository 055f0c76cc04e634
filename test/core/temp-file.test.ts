import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  isTempName,
  isTempOf,
  isTransactionTemp,
  NAME_MAX,
  newTxid,
  tempPathFor,
  writerOfTemp,
} from '../../src/core/temp-file.js'
import { selfWriter } from '../../src/fs/proc.js'
import { deadWriter } from '../helpers/dead-writer.js'

const NEW = /^\.config\.json\.[0-9a-f]{16}\.[0-9a-z]+-[0-9a-z]+-[0-9a-f]{8}\.dwtmp$/

describe('temp names', () => {
  it('are hidden, random, and name their writer: this process by default', () => {
    const name = basename(tempPathFor('/data/config.json'))
    expect(name).toMatch(NEW)
    expect(isTempName(name)).toBe(true)
    expect(writerOfTemp(name)).toEqual(selfWriter())
    expect(isTransactionTemp(name)).toBe(false)
  })

  it('name another writer when given one', () => {
    const writer = deadWriter()
    expect(writerOfTemp(basename(tempPathFor('/d/x', '', writer)))).toEqual(writer)
  })

  it("start a transaction's random part with its txid and say they belong to a transaction", () => {
    const txid = newTxid()
    const name = basename(tempPathFor('/d/x.txt', txid))
    expect(name.startsWith(`.x.txt.${txid}`)).toBe(true)
    expect(isTempOf(name, txid)).toBe(true)
    expect(isTempOf(name, 'ffffffff' === txid ? '00000000' : 'ffffffff')).toBe(false)
    expect(isTransactionTemp(name)).toBe(true)
    expect(writerOfTemp(name)).toEqual(selfWriter())
  })

  it('accept the names of version 0.1, which record no writer', () => {
    const old = '.config.json.0123456789abcdef.dwtmp'
    expect(isTempName(old)).toBe(true)
    expect(isTempOf(old, '01234567')).toBe(true)
    expect(isTempOf(old, '76543210')).toBe(false)
    expect(writerOfTemp(old)).toBeUndefined()
    expect(isTransactionTemp(old)).toBe(false)
  })

  it('reject names that are not temp names', () => {
    for (const name of [
      'config.json',
      'x.0123456789abcdef.dwtmp',
      '.x.0123.dwtmp',
      '.x.0123456789ABCDEF.dwtmp',
      '.x.0123456789abcdef.dwtmp.bak',
      '.x.0123456789abcdef.1a-2b-0123abc.dwtmp',
      '.x.0123456789abcdef.1a-2b-0123abcd-x.dwtmp',
      'notes.dwtmp',
    ]) {
      expect(isTempName(name), name).toBe(false)
      expect(writerOfTemp(name), name).toBeUndefined()
    }
  })

  it('stay within NAME_MAX bytes for 255-byte target names, multibyte ones included', () => {
    const big = { pid: 4_194_303, start: Number.MAX_SAFE_INTEGER, world: 'ffffffff' }
    for (const target of ['a'.repeat(255), 'é'.repeat(127), `${'😀'.repeat(63)}abc`, `${'ü'.repeat(126)}x`]) {
      expect(Buffer.byteLength(target)).toBeLessThanOrEqual(NAME_MAX)
      for (const writer of [selfWriter(), big]) {
        for (const txid of ['', newTxid()]) {
          const name = basename(tempPathFor(join('/d', target), txid, writer))
          expect(Buffer.byteLength(name)).toBeLessThanOrEqual(NAME_MAX)
          expect(Buffer.from(name).toString()).toBe(name)
          expect(isTempName(name)).toBe(true)
          expect(writerOfTemp(name)).toEqual(writer)
          if (txid) expect(isTempOf(name, txid)).toBe(true)
        }
      }
    }
  })
})
