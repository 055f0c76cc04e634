import type { FsLike, FsMethod } from '../fs/fs-like.js'
import type { OpCounts } from '../stats.js'
import { COUNTED, type FsOp, type Op, type Steps } from './op.js'

/** Shares directory syncs between concurrent writers (group commit). */
export interface DirSyncer {
  sync(dir: string): Promise<void>
}

type AnyFn = (...args: unknown[]) => unknown

function count(ops: OpCounts | undefined, op: Op): void {
  if (!ops) return
  if (op.kind === 'syncDir') ops.dirFsyncs++
  else if (op.kind === 'fs') {
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
  } finally {
    fs.closeSync(fd)
  }
}

/** Opens, fsyncs and closes a directory. */
export async function syncDirAsync(fs: FsLike, dir: string): Promise<void> {
  const fd = await fs.open(dir, 'r')
  try {
    await fs.fsync(fd)
  } finally {
    await fs.close(fd)
  }
}

/** Runs a protocol with synchronous system calls; backs every `*Sync` API. */
export function runSync<T>(steps: Steps<T>, fs: FsLike, ops?: OpCounts): T {
  let next = steps.next()
  while (!next.done) {
    const op = next.value
    let value: unknown
    try {
      count(ops, op)
      value = execSync(fs, op)
    } catch (err) {
      next = steps.throw(err)
      continue
    }
    next = steps.next(value)
  }
  return next.value
}

function execSync(fs: FsLike, op: Op): unknown {
  switch (op.kind) {
    case 'fs':
      return callSync(fs, op)
    case 'syncDir':
      return syncDirSync(fs, op.dir)
    case 'pull':
    case 'call': {
      const result = op.kind === 'pull' ? op.source.next() : op.fn()
      if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
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
      value = await execAsync(fs, op, dirs)
    } catch (err) {
      next = steps.throw(err)
      continue
    }
    next = steps.next(value)
  }
  return next.value
}

function execAsync(fs: FsLike, op: Op, dirs: DirSyncer | undefined): unknown {
  switch (op.kind) {
    case 'fs':
      return (fs[op.method] as AnyFn)(...op.args)
    case 'syncDir':
      return dirs ? dirs.sync(op.dir) : syncDirAsync(fs, op.dir)
    case 'pull':
      return op.source.next()
    case 'call':
      return op.fn()
  }
}
