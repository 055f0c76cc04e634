import { mkdirSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempPathFor } from '../../src/core/temp-file.js'
import { AtomicWriter, recover, writeTransaction } from '../../src/index.js'
import { contentHash, encodeManifest, type Manifest } from '../../src/txn/manifest.js'
import { ensureBuiltEntries, runCli } from '../cli/run-cli.js'
import { errorOf } from '../core/write-api.js'
import { reportFigure } from '../helpers/report.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

beforeAll(ensureBuiltEntries)

const TXID = 'abcdef01'

interface Setup {
  base: string
  root: string
  outside: string
  secret: string
}

/** A root to recover and, beside it, an outside directory with a secret the manifest goes after. */
function setup(): Setup {
  const base = tempDir()
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(join(root, '.durable-write'), { recursive: true })
  mkdirSync(outside)
  const secret = join(outside, 'secret.txt')
  writeFileSync(secret, 'secret')
  writeFileSync(join(root, 'inside.txt'), 'inside')
  return { base, root, outside, secret }
}

/** A temp of transaction `txid` beside `target`, holding `content`; returns its base name. */
function plantTemp(target: string, content: string, txid = TXID): string {
  const temp = tempPathFor(target, txid)
  writeFileSync(temp, content)
  return temp.slice(temp.lastIndexOf('/') + 1)
}

function sha(text: string): string {
  return contentHash(Buffer.from(text))
}

function plantManifest(journal: string, body: unknown, name = `${TXID}.manifest`, format = 2): string {
  const bytes =
    format === 2
      ? encodeManifest(body as Manifest)
      : Buffer.from(
          (() => {
            const b = Buffer.from(JSON.stringify(body))
            return `durable-write manifest 1\n${contentHash(b)} ${b.byteLength}\n${b.toString()}`
          })(),
        )
  const path = join(journal, name)
  writeFileSync(path, bytes)
  return path
}

type Case = { name: string; plant: (s: Setup) => void }

const write = (target: string, temp: string, hash: string, old: string | null = null) => ({
  op: 'write',
  target,
  temp,
  hash,
  old,
})

const cases: Case[] = [
  {
    name: 'a target outside the scope (..)',
    plant: (s) => {
      const temp = plantTemp(s.secret, 'stolen')
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [write('../outside/secret.txt', temp, sha('stolen'), sha('secret'))],
      })
    },
  },
  {
    name: 'an absolute target',
    plant: (s) => {
      const temp = plantTemp(s.secret, 'stolen')
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [write(s.secret, temp, sha('stolen'), sha('secret'))],
      })
    },
  },
  {
    name: 'an absolute target outside the scope in a format-1 manifest',
    plant: (s) => {
      const temp = tempPathFor(s.secret, TXID)
      writeFileSync(temp, 'stolen')
      plantManifest(
        join(s.root, '.durable-write'),
        { txid: TXID, entries: [{ op: 'write', target: s.secret, temp, hash: sha('stolen') }] },
        undefined,
        1,
      )
    },
  },
  {
    name: 'a removal outside the scope, with the right hash',
    plant: (s) => {
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [{ op: 'remove', target: '../outside/secret.txt', hash: sha('secret') }],
      })
    },
  },
  {
    name: 'a foreign txid (the body names another transaction than the file)',
    plant: (s) => {
      const target = join(s.root, 'inside.txt')
      const temp = plantTemp(target, 'new', '12345678')
      plantManifest(join(s.root, '.durable-write'), {
        txid: '12345678',
        entries: [write('inside.txt', temp, sha('new'), sha('inside'))],
      })
    },
  },
  {
    name: "a temp that is not the transaction's",
    plant: (s) => {
      const target = join(s.root, 'inside.txt')
      const temp = plantTemp(target, 'new', '99999999')
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [write('inside.txt', temp, sha('new'), sha('inside'))],
      })
    },
  },
  {
    name: 'a temp in another directory than its target',
    plant: (s) => {
      mkdirSync(join(s.root, 'sub'))
      const temp = plantTemp(join(s.root, 'sub', 'inside.txt'), 'new')
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [write('inside.txt', `sub/${temp}`, sha('new'), sha('inside'))],
      })
    },
  },
  {
    name: 'a temp whose content does not match its hash',
    plant: (s) => {
      const target = join(s.root, 'inside.txt')
      const temp = plantTemp(target, 'something else')
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [write('inside.txt', temp, sha('new'), sha('inside'))],
      })
    },
  },
  {
    name: 'a target reached through a symlinked directory',
    plant: (s) => {
      symlinkSync(s.outside, join(s.root, 'link'))
      const temp = plantTemp(s.secret, 'stolen')
      plantManifest(join(s.root, '.durable-write'), {
        txid: TXID,
        entries: [write('link/secret.txt', temp, sha('stolen'), sha('secret'))],
      })
    },
  },
  {
    name: 'a symlinked journal directory',
    plant: (s) => {
      const elsewhere = join(s.outside, 'journal')
      mkdirSync(elsewhere)
      const target = join(s.root, 'inside.txt')
      const temp = plantTemp(target, 'new')
      plantManifest(elsewhere, {
        txid: TXID,
        entries: [write('inside.txt', temp, sha('new'), sha('inside'))],
      })
      const journal = join(s.root, '.durable-write')
      rmdirSync(journal)
      symlinkSync(elsewhere, journal)
    },
  },
]

describe('a crafted manifest is refused with ERR_JOURNAL_CORRUPT and nothing is touched', () => {
  it.each(cases)('$name: recover(root)', async ({ plant }) => {
    const s = setup()
    plant(s)
    const before = snapshot(s.base)
    const err = await errorOf(() => recover(s.root))
    expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
    expect(snapshot(s.base)).toEqual(before)
    expect(readFileSync(s.secret, 'utf8')).toBe('secret')
    reportFigure('I8 crafted manifests refused, tree unchanged', 1, 'recover')
  })

  it.each(cases)('$name: the next writeTransaction with root', async ({ plant }) => {
    const s = setup()
    plant(s)
    const before = snapshot(s.base)
    const err = await errorOf(() =>
      writeTransaction((tx) => tx.writeFile(join(s.root, 'inside.txt'), 'next'), { root: s.root }),
    )
    expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
    expect(snapshot(s.base)).toEqual(before)
    reportFigure('I8 crafted manifests refused, tree unchanged', 1, 'writeTransaction')
  })

  it.each(cases.slice(0, 3))('$name: durable-write recover root', async ({ plant }) => {
    const s = setup()
    plant(s)
    const before = snapshot(s.base)
    const r = await runCli(['recover', 'root'], { cwd: s.base })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('ERR_JOURNAL_CORRUPT')
    expect(snapshot(s.base)).toEqual(before)
  })
})

describe('the same manifest shapes inside the scope are obeyed', () => {
  it('rolls forward a well-formed manifest written by hand (control for the cases above)', async () => {
    const s = setup()
    const target = join(s.root, 'inside.txt')
    const temp = plantTemp(target, 'new')
    plantManifest(join(s.root, '.durable-write'), {
      txid: TXID,
      entries: [write(relative(s.root, target), temp, sha('new'), sha('inside'))],
    })
    const report = await recover(s.root)
    expect(report.rolledForward).toBe(1)
    expect(readFileSync(target, 'utf8')).toBe('new')
  })
})

describe('journal locations obey root', () => {
  it('refuses a journalDir outside root before anything is made', async () => {
    const s = setup()
    const before = snapshot(s.base)
    const err = await errorOf(() =>
      writeTransaction((tx) => tx.writeFile(join(s.root, 'inside.txt'), 'x'), {
        root: s.root,
        journalDir: join(s.outside, 'journal'),
      }),
    )
    expect(err.code).toBe('ERR_OUTSIDE_ROOT')
    expect(snapshot(s.base)).toEqual(before)
  })

  it('recover with root does not look for journals above root', async () => {
    const s = setup()
    const sub = join(s.root, 'sub')
    mkdirSync(sub)
    // A committed-looking manifest above the root would name a file in sub; it is not root's to act on.
    const target = join(sub, 'f.txt')
    writeFileSync(target, 'old')
    const temp = plantTemp(target, 'new')
    plantManifest(join(s.root, '.durable-write'), {
      txid: TXID,
      entries: [write('sub/f.txt', temp, sha('new'), sha('old'))],
    })
    const writer = new AtomicWriter({ root: sub })
    const report = await writer.recover(sub)
    expect(report.rolledForward).toBe(0)
    expect(readFileSync(target, 'utf8')).toBe('old')
  })
})
