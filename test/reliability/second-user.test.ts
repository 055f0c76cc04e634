import { execFileSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  writeFileSync as fsWriteFileSync,
  mkdirSync,
  readFileSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempPathFor } from '../../src/core/temp-file.js'
import { recover, update, withLock, writeFile, writeTransaction } from '../../src/index.js'
import { contentHash, encodeManifest } from '../../src/txn/manifest.js'
import { errorOf } from '../core/write-api.js'
import { ensureBuilt, startChild, succeeded } from '../helpers/children.js'
import { asOtherUser, otherUid, secondUserMissing, sharedDir } from '../helpers/second-user.js'
import { snapshot, tempDir } from '../helpers/tmp.js'

// A build from scratch (only when dist/ is missing) can take a while on a busy machine.
beforeAll(ensureBuilt, 180_000)

const holdLock = new URL('../lock/fixtures/hold-lock.mjs', import.meta.url)
const sha = (text: string) => contentHash(Buffer.from(text))

/** A directory of this user's that the other user cannot write, with a file the attack goes after. */
function victim() {
  const dir = join(tempDir('dw-victim-'), 'private')
  mkdirSync(dir, { mode: 0o755 })
  const file = join(dir, 'owner')
  fsWriteFileSync(file, 'precious')
  return { dir, file }
}

/** Makes `paths` (and what lies below each directory) the other user's, as if that user had made them. */
function giveToOtherUser(...paths: string[]): void {
  execFileSync('chown', ['-R', String(otherUid()), ...paths])
}

describe.skipIf(secondUserMissing !== undefined)(
  `a second user of the machine in a shared 1777 directory${secondUserMissing ? ` (skipped: ${secondUserMissing})` : ''}`,
  () => {
    it('plants the lock path as a symlink into a directory of ours: nothing there is followed or removed, the write fails with ERR_LOCKED', async () => {
      const shared = sharedDir()
      const file = join(shared, 'state.txt')
      fsWriteFileSync(file, 'old')
      const target = victim()
      // An old directory: by its mtime alone, the "lock" would be stale and taken over.
      utimesSync(target.dir, new Date(0), new Date(0))
      const planted = asOtherUser(`ln -s ${target.dir} ${file}.lock`)
      expect(planted.status).toBe(0)
      const before = snapshot(target.dir)
      for (const write of [
        () => writeFile(file, 'new', { lock: { retries: 0, stale: 2000 } }),
        () => update(file, () => 'new', { lock: { retries: 0, stale: 2000 } }),
        () => withLock(file, async () => 'ran', { retries: 0, stale: 2000 }),
      ]) {
        expect((await errorOf(write)).code).toBe('ERR_LOCKED')
      }
      expect(snapshot(target.dir)).toEqual(before)
      expect(readFileSync(target.file, 'utf8')).toBe('precious')
      expect(readFileSync(file, 'utf8')).toBe('old')
    })

    it('cannot add, replace or remove the owner record of our live lock, even under umask 0', async () => {
      const shared = sharedDir()
      const file = join(shared, 'state.txt')
      fsWriteFileSync(file, 'old')
      const lockPath = `${file}.lock`
      const holder = startChild(
        holdLock,
        [JSON.stringify({ file, writeOnRelease: 'by the holder' })],
        ['sh', '-c', 'umask 0 && exec "$@"', 'sh'],
      )
      await holder.line('locked')
      expect(statSync(lockPath).mode & 0o777).toBe(0o755)
      const record = readFileSync(join(lockPath, 'owner'), 'utf8')
      const dead = JSON.stringify({ ...JSON.parse(record), pid: 999_999 })
      for (const attack of [
        `printf '%s' '${dead}' > ${lockPath}/owner`,
        `rm -f ${lockPath}/owner`,
        `mv ${lockPath}/owner ${shared}/stolen`,
        `printf x > ${lockPath}/other`,
        `rm -rf ${lockPath}`,
      ]) {
        expect(asOtherUser(attack).status, attack).not.toBe(0)
      }
      expect(readFileSync(join(lockPath, 'owner'), 'utf8')).toBe(record)
      // The lock still holds against us, and the holder's commit goes through.
      expect((await errorOf(() => writeFile(file, 'contender', { lock: { retries: 0 } }))).code).toBe(
        'ERR_LOCKED',
      )
      holder.send('release')
      await succeeded(holder)
      expect(readFileSync(file, 'utf8')).toBe('by the holder')
      expect(existsSync(lockPath)).toBe(false)
    })

    it('plants a journal that would put its content into our file: recovery passes it by, a transaction refuses it', async () => {
      const shared = sharedDir()
      const config = join(shared, 'config.json')
      fsWriteFileSync(config, '{"owner":"us"}')
      // A well-formed committed transaction in every respect but its owner.
      const txid = 'abcdef01'
      const temp = tempPathFor(config, txid)
      fsWriteFileSync(temp, '{"owner":"them"}')
      const journal = join(shared, '.durable-write')
      mkdirSync(journal, { mode: 0o777 })
      const manifest = encodeManifest({
        txid,
        entries: [
          {
            op: 'write',
            target: 'config.json',
            temp: basename(temp),
            hash: sha('{"owner":"them"}'),
            old: sha('{"owner":"us"}'),
          },
        ],
      })
      fsWriteFileSync(join(journal, `${txid}.manifest`), manifest)
      giveToOtherUser(journal, temp)
      const before = snapshot(shared)

      const report = await recover(shared)
      expect(report).toMatchObject({ rolledForward: 0, rolledBack: 0, tempFilesRemoved: 0 })
      const tx = await errorOf(() => writeTransaction((t) => t.writeFile(config, '{"owner":"tx"}')))
      expect(tx.code).toBe('ERR_JOURNAL_CORRUPT')
      expect(tx.message).toContain('owned by another user')
      expect((await errorOf(() => recover(shared, { journalDir: journal }))).code).toBe('ERR_JOURNAL_CORRUPT')
      expect(snapshot(shared)).toEqual(before)
      expect(readFileSync(config, 'utf8')).toBe('{"owner":"us"}')
    })

    it('plants the backup directory: a write with backups refuses it and changes nothing', async () => {
      const shared = sharedDir()
      const file = join(shared, 'notes.txt')
      fsWriteFileSync(file, 'old')
      const planted = asOtherUser(`mkdir -m 777 -p ${shared}/.durable-write/backups`)
      expect(planted.status).toBe(0)
      const before = snapshot(shared)
      const err = await errorOf(() => writeFile(file, 'new', { backup: true }))
      expect(err.code).toBe('ERR_JOURNAL_CORRUPT')
      expect(snapshot(shared)).toEqual(before)
    })

    it("plants temps named as a dead writer's beside our files: recovery leaves the other user's files alone", async () => {
      const shared = sharedDir()
      const file = join(shared, 'data.txt')
      fsWriteFileSync(file, 'ours')
      const temp = tempPathFor(file, '', { pid: 999_999, start: 1, world: '00000001' })
      fsWriteFileSync(temp, 'theirs')
      chownSync(temp, otherUid(), otherUid())
      utimesSync(temp, new Date(0), new Date(0))
      const report = await recover(shared)
      expect(report.tempFilesRemoved).toBe(0)
      expect(readFileSync(temp, 'utf8')).toBe('theirs')
    })
  },
)
