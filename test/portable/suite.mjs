// The portable contract suite: every API in both forms, its WriteStats op counts, CRLF/BOM edits, a
// transaction killed with SIGKILL and recovered, cross-process updateJson, and (where strace is
// present) the system-call order of a durable write. It runs unchanged on Node, Bun and Deno:
//   node test/portable/suite.mjs | bun test/portable/suite.mjs | deno run -A --node-modules-dir=manual test/portable/suite.mjs
// Each case prints one JSON line with what it measured (op counts above all), so that runs on two
// runtimes can be compared line by line (scripts/runtimes.mjs does).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, writeFileSync as fsWriteFileSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  AtomicWriter,
  batchWrite,
  checkpoint,
  createWriteStream,
  multiEdit,
  multiEditSync,
  readJson,
  readJsonSync,
  readVersioned,
  readVersionedSync,
  recover,
  safeWriteJson,
  safeWriteJsonSync,
  safeWriteMd,
  safeWriteMdSync,
  update,
  updateJson,
  WriteQueue,
  withLock,
  writeFile,
  writeFileSync,
  writeTransaction,
} from '../../dist/index.js'
import { equal, ok, rejects, run, runtime, startScript, tempDir } from './harness.mjs'

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const ONE_WRITE = {
  reads: 0,
  writes: 1,
  fsyncs: 1,
  dirFsyncs: 1,
  renames: 1,
  unlinks: 0,
  mkdirs: 0,
  locks: 0,
}
const leftovers = (dir) => readdirSync(dir).filter((n) => n.endsWith('.dwtmp'))
const umask = (() => {
  const dir = tempDir()
  fsWriteFileSync(join(dir, 'probe'), '')
  return 0o666 & ~statSync(join(dir, 'probe')).mode
})()

const cases = {
  async 'writeFile and writeFileSync: content, mode, one fsync, one rename, one directory fsync'() {
    const dir = tempDir()
    const a = await writeFile(join(dir, 'a.txt'), 'async')
    const b = writeFileSync(join(dir, 'b.txt'), 'sync')
    equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'async', 'async content')
    equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'sync', 'sync content')
    equal(statSync(join(dir, 'a.txt')).mode & 0o777, 0o666 & ~umask, 'mode of a new file')
    equal(a.ops, ONE_WRITE, 'async ops')
    equal(b.ops, ONE_WRITE, 'sync ops')
    equal(leftovers(dir), [], 'temps left')
    return { async: a.ops, sync: b.ops }
  },

  async 'writeFile over an existing 0600 file keeps its mode; durability fast syncs nothing'() {
    const dir = tempDir()
    const file = join(dir, 'secret.txt')
    fsWriteFileSync(file, 'old', { mode: 0o600 })
    const s = await writeFile(file, 'new')
    equal(statSync(file).mode & 0o777, 0o600, 'mode kept')
    const fast = await new AtomicWriter({ durability: 'fast' }).writeFile(file, 'fast')
    equal(fast.ops.fsyncs + fast.ops.dirFsyncs, 0, 'syncs in fast mode')
    return { durable: s.ops, fast: fast.ops }
  },

  async 'safeWriteJson / readJson in both forms, stable keys'() {
    const dir = tempDir()
    const file = join(dir, 'c.json')
    const a = await safeWriteJson(file, { b: 1, a: [1, 2] }, { stable: true })
    equal(readFileSync(file, 'utf8'), '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n', 'stable JSON')
    equal((await readJson(file)).value, { a: [1, 2], b: 1 }, 'readJson')
    const b = safeWriteJsonSync(file, { z: true })
    equal(readJsonSync(file).value, { z: true }, 'readJsonSync')
    return { async: a.ops, sync: b.ops }
  },

  async 'safeWriteMd in both forms keeps CRLF and the BOM of the file it replaces'() {
    const dir = tempDir()
    const file = join(dir, 'd.md')
    fsWriteFileSync(file, '\ufeff# Old\r\n')
    const a = await safeWriteMd(file, '# New\nline\n')
    equal(readFileSync(file, 'utf8'), '\ufeff# New\r\nline\r\n', 'async')
    const b = safeWriteMdSync(file, '# Again\n')
    equal(readFileSync(file, 'utf8'), '\ufeff# Again\r\n', 'sync')
    return { async: a.ops, sync: b.ops }
  },

  async 'readVersioned in both forms, and ifMatch refuses a stale version with ERR_CONFLICT'() {
    const dir = tempDir()
    const file = join(dir, 'e.txt')
    fsWriteFileSync(file, 'one')
    const { version } = await readVersioned(file)
    equal(readVersionedSync(file).version, version, 'same version in both forms')
    await writeFile(file, 'two', { ifMatch: version })
    const err = await rejects(() => writeFile(file, 'three', { ifMatch: version }), 'stale ifMatch')
    equal(err.code, 'ERR_CONFLICT', 'code')
    equal(readFileSync(file, 'utf8'), 'two', 'content after the conflict')
    return null
  },

  async 'multiEdit and multiEditSync on a CRLF file with a BOM keep both'() {
    const dir = tempDir()
    const file = join(dir, 'f.cs')
    fsWriteFileSync(file, Buffer.from('\ufeffclass A\r\n{\r\n    int x = 1;\r\n}\r\n'))
    const a = await multiEdit(file, [{ oldString: 'int x = 1;', newString: 'int x = 2;\nint y = 3;' }])
    equal(readFileSync(file, 'utf8'), '\ufeffclass A\r\n{\r\n    int x = 2;\r\nint y = 3;\r\n}\r\n', 'async')
    const b = multiEditSync(file, [{ oldString: 'class A', newString: 'class B' }])
    equal(readFileSync(file, 'utf8').startsWith('\ufeffclass B\r\n'), true, 'sync')
    const err = await rejects(() => multiEdit(file, [{ oldString: 'nowhere', newString: 'x' }]), 'not found')
    equal(err.code, 'ERR_EDIT_NOT_FOUND', 'code')
    return { async: a.ops, sync: b.ops, applied: a.applied }
  },

  async 'createWriteStream commits on finish, with stats'() {
    const dir = tempDir()
    const file = join(dir, 'g.log')
    const stream = createWriteStream(file)
    for (let i = 0; i < 100; i++) stream.write(`line ${i}\n`)
    await new Promise((resolve, reject) => {
      stream.on('error', reject)
      stream.end(resolve)
    })
    await new Promise((resolve) => (stream.stats ? resolve() : stream.once('finish', resolve)))
    equal(readFileSync(file, 'utf8').split('\n').length, 101, 'lines')
    return { ops: stream.stats.ops }
  },

  async 'update, updateJson and withLock'() {
    const dir = tempDir()
    const file = join(dir, 'h.txt')
    const a = await update(file, (t = '') => `${t}one\n`)
    const j = await updateJson(join(dir, 'h.json'), (v) => ({ n: v.n + 1 }), { default: { n: 0 } })
    equal(j.value, { n: 1 }, 'updateJson value')
    const r = await withLock(file, async () => {
      await writeFile(file, 'locked\n')
      return 'done'
    })
    equal(r, 'done', 'withLock result')
    equal(readFileSync(file, 'utf8'), 'locked\n', 'content')
    equal(existsSync(`${file}.lock`), false, 'lock released')
    return { update: a.ops, updateJson: j.ops }
  },

  async 'batchWrite, writeTransaction, checkpoint and recover'() {
    const dir = tempDir()
    const files = ['a', 'b', 'c'].map((n) => join(dir, `${n}.txt`))
    const b = await batchWrite(files.map((path) => ({ path, data: 'batch' })))
    const t = await writeTransaction(async (tx) => {
      tx.writeFile(files[0], 'tx')
      tx.remove(files[1])
      return (await tx.read(files[2], { encoding: 'utf8' })) ?? ''
    })
    equal(t.result, 'batch', 'tx.read')
    equal(existsSync(files[1]), false, 'removed')
    const cp = await checkpoint(files)
    await writeFile(files[0], 'changed')
    await cp.restore()
    equal(readFileSync(files[0], 'utf8'), 'tx', 'restored')
    await cp.discard()
    const report = await recover(dir)
    equal(report.rolledForward + report.rolledBack, 0, 'nothing to recover')
    equal(leftovers(dir), [], 'temps left')
    return { batch: b.ops, transaction: t.ops }
  },

  async 'WriteQueue coalesces writes to one path'() {
    const dir = tempDir()
    const file = join(dir, 'q.txt')
    const queue = new WriteQueue()
    const writes = Array.from({ length: 50 }, (_, i) => queue.write(file, `v${i}`))
    await Promise.all(writes)
    await queue.close()
    equal(readFileSync(file, 'utf8'), 'v49', 'newest data')
    ok(queue.stats.performed < 50, 'coalesced')
    return { requested: queue.stats.requested }
  },

  async 'a transaction killed with SIGKILL is recovered all-old or all-new (5 kills)'() {
    const generations = []
    for (let round = 0; round < 5; round++) {
      const dir = tempDir()
      const child = startScript(fixture('tx-loop.mjs'), [dir])
      await child.line('started')
      await new Promise((resolve) => setTimeout(resolve, 20 + round * 37))
      child.child.kill('SIGKILL')
      const exit = await child.exited
      equal(exit.signal, 'SIGKILL', `round ${round}: killed`)
      await recover(dir)
      const contents = new Set(
        readdirSync(dir)
          .filter((n) => n.endsWith('.txt'))
          .map((n) => readFileSync(join(dir, n), 'utf8')),
      )
      equal(contents.size, 1, `round ${round}: files of one generation`)
      equal(leftovers(dir), [], `round ${round}: temps left`)
      generations.push([...contents][0].split('\n')[0])
    }
    return null
  },

  async 'updateJson from 4 processes loses no increment'() {
    const dir = tempDir()
    const file = join(dir, 'counter.json')
    const children = Array.from({ length: 4 }, () => startScript(fixture('count.mjs'), [file, '50']))
    const exits = await Promise.all(children.map((c) => c.exited))
    for (const exit of exits) equal(exit.code, 0, `a counting process: ${exit.stderr}`)
    const seen = exits.flatMap((e) => JSON.parse(e.stdout.trim()).seen).sort((x, y) => x - y)
    equal(JSON.parse(readFileSync(file, 'utf8')), { n: 200 }, 'final count')
    equal(
      seen,
      Array.from({ length: 200 }, (_, i) => i + 1),
      'every value seen once',
    )
    return null
  },

  async 'system calls of a durable write, in order (strace)'() {
    if (process.platform !== 'linux' || spawnSync('strace', ['-V']).status !== 0)
      return { skipped: 'no strace' }
    const dir = tempDir()
    const file = join(dir, 'traced.txt')
    const log = join(tempDir(), 'trace.log')
    const calls = 'trace=open,openat,fsync,fdatasync,rename,renameat,renameat2,dup,dup2,dup3,fcntl'
    execFileSync(
      'strace',
      ['-f', '-qq', '-o', log, '-e', calls, ...runtime, fixture('write-one.mjs'), file],
      {
        stdio: 'ignore',
      },
    )
    const lines = readFileSync(log, 'utf8').split('\n')
    const at = (what, test, from = 0) => {
      const i = lines.findIndex((l, n) => n > from && test(l))
      ok(i >= 0, `${what} in the trace`)
      return i
    }
    // Some runtimes (Deno) sync a duplicate of the descriptor: follow dup and F_DUPFD.
    const synced = (fd) => {
      const fds = new Set([fd])
      return (l) => {
        const dup = /(?:dup[23]?\((\d+)|fcntl\((\d+), F_DUPFD(?:_CLOEXEC)?).* = (\d+)$/.exec(l)
        if (dup && fds.has(dup[1] ?? dup[2])) fds.add(dup[3])
        const sync = /f(?:data)?sync\((\d+)\)/.exec(l)
        return sync !== null && fds.has(sync[1])
      }
    }
    const fdOf = (i) => /= (\d+)$/.exec(lines[i])[1]
    const temp = at('the temp created O_EXCL', (l) => /open(at)?\(.*\.dwtmp".*O_EXCL/.test(l), -1)
    // Created with a mode that the umask narrows to the file's final mode, never wider.
    const created = Number.parseInt(/, (0[0-7]+)\) = \d+$/.exec(lines[temp])[1], 8)
    equal(created & ~umask & ~statSync(file).mode & 0o777, 0, 'temp mode bits the file lacks')
    const sync = at('an fsync of the temp', synced(fdOf(temp)), temp)
    const rename = at(
      'the rename over the target',
      (l) => /rename(at2?)?\(.*\.dwtmp".*traced\.txt"/.test(l),
      sync,
    )
    const dirOpen = at('the directory opened', (l) => l.includes(`"${dir}"`) && /open(at)?\(/.test(l), rename)
    at('an fsync of the directory', synced(fdOf(dirOpen)), dirOpen)
    return { order: ['open O_EXCL', 'fsync', 'rename', 'open dir', 'fsync dir'] }
  },
}

const failed = await run(cases, process.env.PORTABLE_ONLY)
process.exitCode = failed === 0 ? 0 : 1
