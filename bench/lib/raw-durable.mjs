// The baseline: the bare Node sequence of a correct durable replace, nothing else —
// open temp O_EXCL, write, fdatasync, close, rename over the target, open dir, fsync dir, close.
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fdatasyncSync,
  constants as fsConstants,
  fsyncSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs'
import { lstat, open, rename } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

const tempFor = (path) => join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.raw`)

/** The op counts of one raw durable write, in the shape of WriteStats.ops. */
export function rawOps(writes = 1) {
  return { reads: 0, writes, fsyncs: 1, dirFsyncs: 1, renames: 1, unlinks: 0, mkdirs: 0, locks: 0 }
}

/** Writes `data` (string or Uint8Array) with one durable replace, using fs/promises. */
export async function rawDurableWrite(path, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  const temp = tempFor(path)
  const fh = await open(temp, 'wx')
  let writes = 0
  try {
    for (let off = 0; off < bytes.byteLength; writes++) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off)
      off += bytesWritten
    }
    await fh.datasync()
  } finally {
    await fh.close()
  }
  await rename(temp, path)
  const dir = await open(dirname(path), fsConstants.O_RDONLY)
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
  return { ops: rawOps(writes) }
}

/** The same sequence with synchronous calls (the baseline of writeFileSync). */
export function rawDurableWriteSync(path, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  const temp = tempFor(path)
  const fd = openSync(temp, 'wx')
  let writes = 0
  try {
    for (let off = 0; off < bytes.byteLength; writes++) off += writeSync(fd, bytes, off)
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, path)
  const dir = openSync(dirname(path), fsConstants.O_RDONLY)
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
  return { ops: rawOps(writes) }
}

/**
 * The raw sequence with the system calls durable-write adds (see the strace cross-check): lstat of the
 * target, temp created 0600 then fchmod to the final mode, fsync instead of fdatasync. Measures how
 * much of durable-write's time over the floor those calls explain.
 */
export async function rawWithExtraSyscalls(path, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  const mode = 0o666 & ~process.umask()
  await lstat(path).catch(() => undefined)
  const temp = tempFor(path)
  const fh = await open(temp, 'wx', 0o600)
  try {
    for (let off = 0; off < bytes.byteLength; ) off += (await fh.write(bytes, off)).bytesWritten
    await fh.chmod(mode)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(temp, path)
  const dir = await open(dirname(path), fsConstants.O_RDONLY)
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/**
 * The async sequence with each step timed (ms), to show where the floor's time goes.
 * @returns `{ open, write, fdatasync, close, rename, dirOpen, dirFsync, dirClose }`
 */
export async function rawDurableWriteSteps(path, data) {
  const t = {}
  let last = performance.now()
  const lap = (name) => {
    const now = performance.now()
    t[name] = now - last
    last = now
  }
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  const temp = tempFor(path)
  last = performance.now()
  const fh = await open(temp, 'wx')
  lap('open')
  for (let off = 0; off < bytes.byteLength; ) off += (await fh.write(bytes, off)).bytesWritten
  lap('write')
  await fh.datasync()
  lap('fdatasync')
  await fh.close()
  lap('close')
  await rename(temp, path)
  lap('rename')
  const dir = await open(dirname(path), fsConstants.O_RDONLY)
  lap('dirOpen')
  await dir.sync()
  lap('dirFsync')
  await dir.close()
  lap('dirClose')
  return t
}
