import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach } from 'vitest'

const made: string[] = []

/** A fresh directory on the real disk, removed after the test. */
export function tempDir(prefix = 'dw-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Every entry below `dir`: relative path → kind, mode, size and content (files) or link text. */
export type TreeSnapshot = Record<string, string>

/** A snapshot of paths, kinds, modes, sizes and contents, to prove a failing call changed nothing. */
export function snapshot(dir: string): TreeSnapshot {
  const out: TreeSnapshot = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const st = lstatSync(p)
      const rel = relative(dir, p)
      const mode = (st.mode & 0o7777).toString(8)
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`
      else if (st.isDirectory()) {
        out[rel] = `dir ${mode}`
        walk(p)
      } else out[rel] = `file ${mode} ${st.size} ${readFileSync(p).toString('base64')}`
    }
  }
  walk(dir)
  return out
}

/** Open file descriptors of this process (Linux), to prove a failing call leaks none. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length
}

/** Names of leftover temp files below `dir`. */
export function tempFilesIn(dir: string): string[] {
  return Object.keys(snapshot(dir)).filter((p) => /\.dwtmp$/.test(p))
}
