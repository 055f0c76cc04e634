// The machine a run was measured on: CPU, memory, Node, kernel, file system and disk of the bench dir.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import os from 'node:os'
import { basename, dirname, join } from 'node:path'

const read = (path) => {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

/** `df -T` of `dir`: device, file system type, mount point. */
function dfOf(dir) {
  const out = run('df', ['-T', '-P', dir])
  const line = out?.split('\n')[1]
  if (!line) return {}
  const cols = line.trim().split(/\s+/)
  return { device: cols[0], type: cols[1], mount: cols[6] }
}

/** Model, vendor and queue settings of the block device holding `device` (e.g. /dev/vda1 → vda). */
function diskOf(device) {
  if (!device?.startsWith('/dev/')) return undefined
  let name = basename(device)
  const sys = `/sys/class/block/${name}`
  if (!existsSync(sys)) return { name }
  if (existsSync(join(sys, 'partition'))) {
    try {
      name = basename(dirname(realpathSync(sys)))
    } catch {}
  }
  const block = `/sys/block/${name}`
  const model = [read(`${block}/device/vendor`), read(`${block}/device/model`)].filter(Boolean).join(' ')
  const rotational = read(`${block}/queue/rotational`)
  const virtio = existsSync(`${block}/device/driver`)
    ? basename(realpathSync(`${block}/device/driver`))
    : undefined
  return {
    name,
    model: model || undefined,
    driver: virtio,
    rotational: rotational === undefined ? undefined : rotational === '1',
    scheduler: read(`${block}/queue/scheduler`),
    writeCache: read(`${block}/queue/write_cache`),
    sizeGiB: Number(read(`${block}/size`) ?? Number.NaN) / 2 / 1024 / 1024 || undefined,
  }
}

function packageVersion(name) {
  const rel = name === '.' ? '../../package.json' : `../../node_modules/${name}/package.json`
  try {
    return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')).version
  } catch {
    return undefined
  }
}

/** Everything known about the machine and the bench directory `dir`. */
export function captureEnv(dir) {
  const cpus = os.cpus()
  const df = dfOf(dir)
  const osRelease = read('/etc/os-release')
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    libuv: process.versions.uv,
    v8: process.versions.v8,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    platform: `${process.platform} ${process.arch}`,
    kernel: os.release(),
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease ?? '')?.[1],
    machine:
      [read('/sys/class/dmi/id/sys_vendor'), read('/sys/class/dmi/id/product_name')]
        .filter(Boolean)
        .join(' ') || undefined,
    benchDir: dir,
    fsType: run('stat', ['-f', '-c', '%T', dir]),
    df,
    disk: diskOf(df.device),
    mountOptions: mountOptionsOf(df.mount),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    peers: {
      'write-file-atomic': packageVersion('write-file-atomic'),
      atomically: packageVersion('atomically'),
      steno: packageVersion('steno'),
    },
    durableWrite: packageVersion('.'),
    commit: run('git', ['-C', new URL('../..', import.meta.url).pathname, 'rev-parse', '--short', 'HEAD']),
  }
}

function mountOptionsOf(mount) {
  if (!mount) return undefined
  const line = read('/proc/mounts')
    ?.split('\n')
    .find((l) => l.split(' ')[1] === mount)
  return line?.split(' ')[3]
}
