import { writeFileSync as fsWriteFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { UpdateOptions } from '../../src/call-options.js'
import * as atomically from '../../src/compat/atomically.js'
import writeFileAtomic from '../../src/compat/write-file-atomic.js'
import {
  AtomicWriter,
  type BackupOptions,
  type BatchEntry,
  type BatchOptions,
  batchWrite,
  checkpoint,
  createWriteStream,
  DEFAULTS,
  type EditOptions,
  type JsonOptions,
  type LockOptions,
  multiEdit,
  multiEditSync,
  type ReadJsonOptions,
  type ReadOptions,
  type RecoverOptions,
  type RetryOptions,
  readJson,
  readJsonSync,
  readVersioned,
  readVersionedSync,
  recover,
  safeWriteJson,
  safeWriteJsonSync,
  safeWriteMd,
  safeWriteMdSync,
  type TextOptions,
  type TxOptions,
  update,
  updateJson,
  type WithLockOptions,
  type WriteOptions,
  WriteQueue,
  withLock,
  writeFile,
  writeFileSync,
  writeTransaction,
} from '../../src/index.js'
import {
  API_OPTIONS,
  type BACKUP_SPEC,
  type BATCH_ENTRY_SPEC,
  type LOCK_SPEC,
  type RETRY_SPEC,
  WRITE_SPEC,
} from '../../src/option-spec.js'
import { closestName } from '../../src/unknown-options.js'
import { snapshot, tempDir } from '../helpers/tmp.js'
import { errorOf } from './write-api.js'

/** `true` exactly when the two unions of option names are the same. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** A directory with one existing file, the usual target. */
function fixture() {
  const dir = tempDir()
  const file = join(dir, 'target.txt')
  fsWriteFileSync(file, 'original\n')
  mkdirSync(join(dir, 'sub'))
  return { dir, file }
}

type Call = (file: string, dir: string) => unknown

/** [api, call with a misspelled option, the misspelled name, the option it must suggest] */
const cases: [string, Call, string, string][] = [
  ['writeFile', (f) => writeFile(f, 'x', { lokc: true } as never), 'lokc', 'lock'],
  ['writeFileSync', (f) => writeFileSync(f, 'x', { durabilty: 'fast' } as never), 'durabilty', 'durability'],
  ['writeFile, in lock', (f) => writeFile(f, 'x', { lock: { stael: 5000 } } as never), 'stael', 'stale'],
  [
    'writeFile, in lock.retries',
    (f) => writeFile(f, 'x', { lock: { retries: { retires: 1 } } } as never),
    'retires',
    'retries',
  ],
  ['writeFile, in backup', (f) => writeFile(f, 'x', { backup: { kepp: 2 } } as never), 'kepp', 'keep'],
  [
    'writeFile, in chown',
    (f) => writeFile(f, 'x', { chown: { uid: 0, gid: 0, uidd: 1 } } as never),
    'uidd',
    'uid',
  ],
  ['safeWriteJson', (f) => safeWriteJson(f, {}, { stabel: true } as never), 'stabel', 'stable'],
  ['safeWriteJsonSync', (f) => safeWriteJsonSync(f, {}, { spcae: 4 } as never), 'spcae', 'space'],
  ['safeWriteMd', (f) => safeWriteMd(f, '# x', { eoll: 'lf' } as never), 'eoll', 'eol'],
  ['safeWriteMdSync', (f) => safeWriteMdSync(f, '# x', { bmo: 'add' } as never), 'bmo', 'bom'],
  ['createWriteStream', (f) => createWriteStream(f, { mkdir: false } as never), 'mkdir', 'mkdirs'],
  ['readVersioned', (f) => readVersioned(f, { encodign: 'utf8' } as never), 'encodign', 'encoding'],
  ['readVersionedSync', (f) => readVersionedSync(f, { roots: '/' } as never), 'roots', 'root'],
  ['readJson', (f) => readJson(f, { defualt: {} } as never), 'defualt', 'default'],
  ['readJsonSync', (f) => readJsonSync(f, { defaults: {} } as never), 'defaults', 'default'],
  ['update', (f) => update(f, (t = '') => `${t}x`, { lokc: true } as never), 'lokc', 'lock'],
  ['updateJson', (f) => updateJson(f, () => ({}), { stabel: true } as never), 'stabel', 'stable'],
  ['withLock', (f) => withLock(f, () => 1, { stal: 3000 } as never), 'stal', 'stale'],
  [
    'withLock, in retries',
    (f) => withLock(f, () => 1, { retries: { factr: 2 } } as never),
    'factr',
    'factor',
  ],
  [
    'multiEdit',
    (f) => multiEdit(f, [{ oldString: 'original', newString: 'new' }], { dryrun: true } as never),
    'dryrun',
    'dryRun',
  ],
  [
    'multiEditSync',
    (f) => multiEditSync(f, [{ oldString: 'original', newString: 'new' }], { eoll: 'lf' } as never),
    'eoll',
    'eol',
  ],
  ['batchWrite', (f) => batchWrite([{ path: f, data: 'x' }], { atomc: false } as never), 'atomc', 'atomic'],
  [
    'batchWrite, an entry key',
    (f) => batchWrite([{ path: f, data: 'x', option: { mode: 0o600 } } as never]),
    'option',
    'options',
  ],
  [
    'batchWrite, an entry option',
    (f) => batchWrite([{ path: f, data: 'x', options: { skipUnchange: true } as never }]),
    'skipUnchange',
    'skipUnchanged',
  ],
  [
    'writeTransaction',
    (f) => writeTransaction((tx) => tx.writeFile(f, 'x'), { journalDirr: '/tmp' } as never),
    'journalDirr',
    'journalDir',
  ],
  [
    'writeTransaction, in lock',
    (f) => writeTransaction((tx) => tx.writeFile(f, 'x'), { lock: { stalee: 5000 } } as never),
    'stalee',
    'stale',
  ],
  [
    'tx.writeFile',
    (f) => writeTransaction((tx) => tx.writeFile(f, 'x', { modee: 0o600 } as never)),
    'modee',
    'mode',
  ],
  [
    'tx.writeJson',
    (f) => writeTransaction((tx) => tx.writeJson(f, {}, { stabel: true } as never)),
    'stabel',
    'stable',
  ],
  [
    'tx.writeMd',
    (f) => writeTransaction((tx) => tx.writeMd(f, '# x', { eoll: 'lf' } as never)),
    'eoll',
    'eol',
  ],
  [
    'tx.edit',
    (f) =>
      writeTransaction((tx) =>
        tx.edit(f, [{ oldString: 'original', newString: 'n' }], { dryrun: true } as never),
      ),
    'dryrun',
    'dryRun',
  ],
  ['tx.remove', (f) => writeTransaction((tx) => tx.remove(f, { roott: '/' } as never)), 'roott', 'root'],
  [
    'tx.read',
    (f) =>
      writeTransaction(async (tx) => {
        await tx.read(f, { encodin: 'utf8' } as never)
        tx.writeFile(f, 'x')
      }),
    'encodin',
    'encoding',
  ],
  ['recover', (_f, d) => recover(d, { journaldir: d } as never), 'journaldir', 'journalDir'],
  ['checkpoint', (f) => checkpoint([f], { dirr: '/tmp' } as never), 'dirr', 'dir'],
  ['WriteQueue', () => new WriteQueue({ delay: 5 } as never), 'delay', 'delayMs'],
  ['queue.write', (f) => new WriteQueue().write(f, 'x', { prio: 'high' } as never), 'prio', 'priority'],
  ['AtomicWriter', () => new AtomicWriter({ durabilty: 'fast' } as never), 'durabilty', 'durability'],
  [
    'AtomicWriter.writeFile',
    (f) => new AtomicWriter().writeFile(f, 'x', { symlink: 'replace' } as never),
    'symlink',
    'symlinks',
  ],
  [
    'AtomicWriter.safeWriteJson',
    (f) => new AtomicWriter({ durability: 'fast' }).safeWriteJson(f, {}, { replacor: null } as never),
    'replacor',
    'replacer',
  ],
]

describe('an unknown option name', () => {
  it.each(cases)(
    '%s: TypeError ERR_INVALID_ARG_VALUE suggesting the closest option, nothing touched',
    async (_api, call, typo, suggestion) => {
      const { dir, file } = fixture()
      const before = snapshot(dir)
      const err = await errorOf(() => call(file, dir))
      expect(err).toBeInstanceOf(TypeError)
      expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
      expect(err.message).toContain(`\`${typo}\``)
      expect(err.message).toContain(`did you mean \`${suggestion}\`?`)
      expect(err.message).toMatch(/\.$/)
      expect(snapshot(dir)).toEqual(before)
    },
  )

  it('is refused even when its value is undefined', async () => {
    const { dir, file } = fixture()
    const err = await errorOf(() => writeFile(file, 'x', { lokc: undefined } as never))
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
    expect(snapshot(dir)[`target.txt`]).toContain(Buffer.from('original\n').toString('base64'))
  })

  it('the async APIs reject rather than throw', () => {
    const { file } = fixture()
    const calls = [
      () => writeFile(file, 'x', { lokc: true } as never),
      () => safeWriteJson(file, {}, { stabel: true } as never),
      () => batchWrite([{ path: file, data: 'x' }], { atomc: true } as never),
      () => withLock(file, () => 1, { stal: 1 } as never),
    ]
    for (const call of calls) {
      const p = call() as Promise<unknown>
      expect(p).toBeInstanceOf(Promise)
      p.catch(() => {})
    }
  })
})

describe('options that are declared', () => {
  it('updateJson accepts the lock option retries at the top level and under lock', async () => {
    const { dir } = fixture()
    const file = join(dir, 'n.json')
    const a = await updateJson(file, (v: { n: number } | undefined) => ({ n: (v?.n ?? 0) + 1 }), {
      retries: 0,
    })
    const b = await updateJson(file, (v: { n: number } | undefined) => ({ n: (v?.n ?? 0) + 1 }), {
      lock: { retries: 0 },
    })
    expect([a.value, b.value]).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('the compat faces ignore unknown options, as write-file-atomic and atomically do', async () => {
    const { file } = fixture()
    await writeFileAtomic(file, 'a', { fsync: false, unknownThing: 1 } as never)
    writeFileAtomic.sync(file, 'b', { unknownThing: 1 } as never)
    await atomically.writeFile(file, 'c', { unknownThing: 1 } as never)
    atomically.writeFileSync(file, 'd', { unknownThing: 1 } as never)
    expect((await readVersioned(file, { encoding: 'utf8' })).content).toBe('d')
  })
})

describe('the declaration of the options', () => {
  it('declares exactly the keys of each options interface (checked by the compiler)', () => {
    const same: [
      Same<keyof WriteOptions, keyof typeof WRITE_SPEC>,
      Same<keyof JsonOptions, keyof (typeof API_OPTIONS)['safeWriteJson']>,
      Same<keyof TextOptions, keyof (typeof API_OPTIONS)['safeWriteMd']>,
      Same<keyof EditOptions | 'encoding', keyof (typeof API_OPTIONS)['multiEdit']>,
      Same<keyof LockOptions, keyof typeof LOCK_SPEC>,
      Same<keyof RetryOptions, keyof typeof RETRY_SPEC>,
      Same<keyof BackupOptions, keyof typeof BACKUP_SPEC>,
      Same<keyof TxOptions, keyof (typeof API_OPTIONS)['writeTransaction']>,
      Same<keyof BatchOptions, keyof (typeof API_OPTIONS)['batchWrite']>,
      Same<keyof RecoverOptions, keyof (typeof API_OPTIONS)['recover']>,
      Same<keyof WithLockOptions, keyof (typeof API_OPTIONS)['withLock']>,
      Same<keyof ReadOptions, keyof (typeof API_OPTIONS)['readVersioned']>,
      Same<keyof ReadJsonOptions<unknown>, keyof (typeof API_OPTIONS)['readJson']>,
      Same<keyof UpdateOptions, keyof (typeof API_OPTIONS)['update']>,
      Same<keyof BatchEntry, keyof typeof BATCH_ENTRY_SPEC>,
    ] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]
    expect(same.every(Boolean)).toBe(true)
  })

  it('is where DEFAULTS comes from', () => {
    for (const [name, info] of Object.entries(WRITE_SPEC)) {
      if ('default' in info) expect(DEFAULTS).toHaveProperty(name, info.default)
      else expect(DEFAULTS).not.toHaveProperty(name)
    }
  })

  it('documents every option of every API', () => {
    for (const spec of Object.values(API_OPTIONS)) {
      for (const info of Object.values(spec)) expect(info.doc).toMatch(/\.$/)
    }
  })

  it('suggests the closest name, ignoring case', () => {
    const known = Object.keys(WRITE_SPEC)
    expect(closestName('Durability', known)).toBe('durability')
    expect(closestName('mkdir', known)).toBe('mkdirs')
    expect(closestName('encodnig', known)).toBe('encoding')
    expect(closestName('ifmatch', known)).toBe('ifMatch')
  })
})
