import type { FsLike, FsMethod } from '../fs/fs-like.js'
import { addOps, type OpCounts } from '../stats.js'
import { type AllOp, COUNTED, type FsOp, type Op, type Settled, type Steps } from './op.js'

/** Shares directory syncs between concurrent writers (group commit). */
export interface DirSyncer {
  sync(dir: string): Promise<void>
}

type AnyFn = (...args: unknown[]) => unknown

/** Windows cannot fsync a directory (opening one fails with EPERM): there a directory sync is skipped. */
const DIRECTORY_SYNC = process.platform !== 'win32'

function count(ops: OpCounts | undefined, op: Op): void {
  if (!ops) return
  if (op.kind === 'syncDir') {
    if (DIRECTORY_SYNC) ops.dirFsyncs++
  } else if (op.kind === 'fs') {
    const key = COUNTED[op.method]
    if (key) ops[key]++
  }
}

function callSync(fs: FsLike, op: FsOp): unknown {
  return (fs[`${op.method}Sync` as `${FsMethod}Sync`] as AnyFn)(...op.args)
}

/** Opens, fsyncs and closes a directory with synchronous calls. */
export function syncDirSync(fs: FsLike, dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } catch (err) {
    try {
      fs.closeSync(fd)
    } catch {
      // The fsync error is the one the caller needs to see.
    }
    throw err
  }
  fs.closeSync(fd)
}

/** Opens, fsyncs and closes a directory. */
export async function syncDirAsync(fs: FsLike, dir: string): Promise<void> {
  const fd = await fs.open(dir, 'r')
  try {
    await fs.fsync(fd)
  } catch (err) {
    await fs.close(fd).catch(() => {
      // The fsync error is the one the caller needs to see.
    })
    throw err
  }
  await fs.close(fd)
}

/** Runs a protocol with synchronous system calls; backs every `*Sync` API. */
export function runSync<T>(steps: Steps<T>, fs: FsLike, ops?: OpCounts): T {
  let next = steps.next()
  while (!next.done) {
    const op = next.value
    let value: unknown
    try {
      count(ops, op)
      value = execSync(fs, op, ops)
    } catch (err) {
      next = steps.throw(err)
      continue
    }
    next = steps.next(value)
  }
  return next.value
}

function execSync(fs: FsLike, op: Op, ops: OpCounts | undefined): unknown {
  switch (op.kind) {
    case 'fs':
      return callSync(fs, op)
    case 'syncDir':
      return DIRECTORY_SYNC ? syncDirSync(fs, op.dir) : undefined
    case 'all': {
      const settled: Settled<unknown>[] = []
      let failed = false
      for (const steps of op.steps) {
        if (failed) {
          settled.push({ ok: false, skipped: true })
          continue
        }
        const sub = op.counters?.[settled.length]
        try {
          settled.push({ ok: true, value: runSync(steps, fs, sub ?? ops) })
        } catch (error) {
          failed = true
          settled.push({ ok: false, error })
        } finally {
          if (sub && ops) addOps(ops, sub)
        }
      }
      return settled
    }
    case 'pull':
    case 'call': {
      const result = op.kind === 'pull' ? op.source.next() : op.fn()
      if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
        // The promise is abandoned: keep its eventual rejection from becoming an unhandled one.
        Promise.resolve(result).catch(() => {})
        throw new TypeError(
          'A synchronous call got a promise (an async iterable, a stream or an async callback); use the asynchronous API instead.',
        )
      }
      return result
    }
  }
}

/** Runs a protocol with asynchronous system calls on the libuv pool. */
export async function runAsync<T>(steps: Steps<T>, fs: FsLike, ops?: OpCounts, dirs?: DirSyncer): Promise<T> {
  let next = steps.next()
  while (!next.done) {
    const op = next.value
    let value: unknown
    try {
      count(ops, op)
      value = await execAsync(fs, op, ops, dirs)
    } catch (err) {
      next = steps.throw(err)
      continue
    }
    next = steps.next(value)
  }
  return next.value
}

/** Runs the sequences of an AllOp with at most `limit` in flight; stops starting new ones after a failure. */
async function runAll(op: AllOp, fs: FsLike, ops: OpCounts | undefined, dirs: DirSyncer | undefined) {
  const settled: Settled<unknown>[] = op.steps.map(() => ({ ok: false, skipped: true }))
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < op.steps.length) {
      const i = next++
      const sub = op.counters?.[i]
      try {
        settled[i] = { ok: true, value: await runAsync(op.steps[i]!, fs, sub ?? ops, dirs) }
      } catch (error) {
        failed = true
        settled[i] = { ok: false, error }
      } finally {
        if (sub && ops) addOps(ops, sub)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(op.limit, op.steps.length)) }, worker))
  return settled
}

function execAsync(fs: FsLike, op: Op, ops: OpCounts | undefined, dirs: DirSyncer | undefined): unknown {
  switch (op.kind) {
    case 'all':
      return runAll(op, fs, ops, dirs)
    case 'fs':
      return (fs[op.method] as AnyFn)(...op.args)
    case 'syncDir':
      if (!DIRECTORY_SYNC) return undefined
      return dirs ? dirs.sync(op.dir) : syncDirAsync(fs, op.dir)
    case 'pull':
      return op.source.next()
    case 'call':
      return op.fn()
  }
}
