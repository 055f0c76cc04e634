// A short tour of durable-write: every API once, in a fresh temp directory, with its WriteStats.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync as plainWrite, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  batchWrite,
  checkpoint,
  createWriteStream,
  multiEdit,
  queue,
  readJson,
  readVersioned,
  recover,
  safeWriteJson,
  safeWriteMd,
  updateJson,
  withLock,
  writeFile,
  writeFileSync,
  writeTransaction,
} from '../dist/index.js'

const dir = mkdtempSync(join(tmpdir(), 'durable-write-demo-'))
const at = (name) => join(dir, name)
const ops = (o) =>
  Object.entries(o)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
function show(title, stats, extra = '') {
  const s = Array.isArray(stats) ? stats : [stats]
  console.log(`\n■ ${title}${extra ? ` — ${extra}` : ''}`)
  for (const st of s) {
    const path = st.path ? st.path.replace(dir, '.') : '(all files)'
    const changed = st.changed === undefined ? '' : ` changed=${st.changed}`
    console.log(
      `  ${path}${changed} bytes=${st.bytesWritten} ${st.version ? `version=${st.version.slice(0, 19)}… ` : ''}ops: ${ops(st.ops)} (${st.durationMs.toFixed(1)} ms)`,
    )
  }
}

try {
  console.log(`durable-write demo in ${dir}`)

  show('writeFile (durable: temp → fsync → rename → fsync dir)', await writeFile(at('hello.txt'), 'hello\n'))
  show('writeFileSync', writeFileSync(at('sync.txt'), 'written synchronously\n'))
  show(
    'skipUnchanged',
    await writeFile(at('hello.txt'), 'hello\n', { skipUnchanged: true }),
    'same bytes, nothing written',
  )

  const { version } = await readVersioned(at('hello.txt'))
  show('ifMatch (compare-and-swap)', await writeFile(at('hello.txt'), 'hello again\n', { ifMatch: version }))
  try {
    await writeFile(at('hello.txt'), 'stale\n', { ifMatch: version })
  } catch (err) {
    console.log(`  a second write with the old version fails: ${err.code}`)
  }

  show(
    'safeWriteJson',
    await safeWriteJson(at('config.json'), { name: 'demo', retries: 3 }, { stable: true }),
  )
  console.log(`  readJson → ${JSON.stringify((await readJson(at('config.json'))).value)}`)
  try {
    const cyclic = { a: 1 }
    cyclic.self = cyclic
    await safeWriteJson(at('bad.json'), cyclic)
  } catch (err) {
    console.log(`  a cyclic value fails before any I/O: ${err.code} at ${err.jsonPath}`)
  }

  plainWrite(at('notes.md'), '# Notes\r\n\r\n- first\r\n')
  show(
    'safeWriteMd',
    await safeWriteMd(at('notes.md'), '# Notes\n\n- first\n- second\n'),
    'keeps CRLF of the file it replaces',
  )

  const stream = createWriteStream(at('stream.log'))
  await pipeline(Readable.from(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`)), stream)
  show('createWriteStream', stream.stats, '1,000 chunks, committed on finish')

  show(
    'updateJson (lock → read → fn → write → unlock)',
    await updateJson(at('counter.json'), (c) => ({ n: c.n + 1 }), { default: { n: 0 } }),
  )
  await withLock(at('counter.json'), async () =>
    console.log('\n■ withLock\n  holding the cross-process lock on counter.json'),
  )

  const edit = await multiEdit(at('notes.md'), [
    { oldString: '- first', newString: '- first (done)' },
    { oldString: '- second', newString: '- second\n- third' },
  ])
  show('multiEdit (one read, all edits, one write)', edit)
  console.log(edit.diff.replace(/^/gm, '    '))
  try {
    await multiEdit(at('notes.md'), [{ oldString: '-  first', newString: 'x' }])
  } catch (err) {
    console.log(`  an edit that matches nothing: ${err.code}, nearest line ${err.nearMatch?.line}`)
  }

  const batch = await batchWrite(
    Array.from({ length: 5 }, (_, i) => ({ path: at(`pages/p${i}.html`), data: `<h1>${i}</h1>\n` })),
  )
  show('batchWrite (atomic: one transaction)', { ...batch, path: undefined }, `${batch.files.length} files`)

  const tx = await writeTransaction(async (t) => {
    t.writeJson(at('a.json'), { side: 'a' })
    t.writeFile(at('b/b.txt'), 'b\n')
    t.remove(at('sync.txt'))
    return 'committed'
  })
  show(
    'writeTransaction',
    { ...tx, path: undefined },
    `${tx.result}: ${tx.files.length} written, ${tx.removed.length} removed`,
  )

  const cp = await checkpoint([at('a.json'), at('hello.txt')])
  plainWrite(at('a.json'), 'oops, overwritten in place')
  const restored = await cp.restore()
  await cp.discard()
  show(
    'checkpoint → restore',
    { ...restored, path: undefined },
    `a.json is back: ${readFileSync(at('a.json'), 'utf8').trim()}`,
  )

  show(
    'backup option',
    await writeFile(at('hello.txt'), 'v3\n', { backup: { keep: 2 } }),
    'previous version kept',
  )

  const burst = []
  for (let i = 0; i < 10_000; i++) burst.push(queue.write(at('state.json'), JSON.stringify({ i })))
  await Promise.all(burst)
  console.log(
    `\n■ queue (coalescing)\n  10,000 writes requested, ${queue.stats.performed} performed, state.json = ${readFileSync(at('state.json'), 'utf8')}`,
  )

  // The command line: write from stdin, version, a dry-run edit, verify.
  const cli = (args, input) =>
    spawnSync(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, ...args], {
      input,
      encoding: 'utf8',
    })
  console.log('\n■ durable-write CLI')
  const written = cli(['write', at('cli.json'), '--json'], '{"from": "stdin"}\n')
  console.log(
    `  write (stdin → cli.json): exit ${written.status}, ${JSON.parse(written.stdout).ops.fsyncs} fsync`,
  )
  console.log(
    `  version: ${cli(['version', at('cli.json')])
      .stdout.trim()
      .slice(0, 19)}…`,
  )
  const dry = cli(['edit', at('cli.json'), '--old', 'stdin', '--new', 'the CLI', '--dry-run'])
  console.log(dry.stdout.replace(/^/gm, '    ').trimEnd())
  const verify = cli(['verify', dir])
  console.log(`  verify ${dir.replace(dir, '.')}: exit ${verify.status}`)

  // A transaction interrupted right after its commit point, then recover().
  // The child's fs seam stops at the first rename, which comes only after the manifest and its
  // directory are synced: it says so on stdout and waits there, so the kill lands mid-commit.
  const crashDir = at('crash')
  writeFileSync(join(crashDir, 'f0'), 'old\n') // f1 and f2 do not exist yet
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { nodeFs, writeTransaction } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}
       const real = nodeFs()
       const fs = { ...real, rename: () => { process.stdout.write('committed\\n'); return new Promise(() => {}) } }
       await writeTransaction((tx) => { for (let f = 0; f < 3; f++) tx.writeFile(${JSON.stringify(crashDir)} + '/f' + f, 'new\\n') }, { fs })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('committed') && resolve())
    child.once('exit', () => reject(new Error('The demo transaction exited before its commit point.')))
  })
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  const read = (f) => {
    try {
      return readFileSync(join(crashDir, `f${f}`), 'utf8').trim()
    } catch {
      return '(none)'
    }
  }
  const before = [0, 1, 2].map(read)
  const report = await recover(crashDir)
  const after = [0, 1, 2].map(read)
  console.log(
    `\n■ crash → recover\n  child killed with SIGKILL after the commit point, before any rename: files ${before.join(' | ')}` +
      `\n  recover(crash/): rolledForward ${report.rolledForward}, rolledBack ${report.rolledBack}, tempFilesRemoved ${report.tempFilesRemoved}` +
      `\n  files now: ${after.join(' | ')} (all new together)`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
