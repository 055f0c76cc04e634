import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync } from 'node:fs'
import { tempDir } from './tmp.js'

/** The unprivileged user that plays a second user of the machine. */
export const OTHER_USER = 'nobody'

/** Why a second user cannot be played here (not root, or no runuser), or undefined when it can. */
export const secondUserMissing: string | undefined = (() => {
  if (process.getuid?.() !== 0) return 'needs root, to act as a second user with runuser'
  try {
    execFileSync('runuser', ['-u', OTHER_USER, '--', 'true'], { stdio: 'ignore' })
    return undefined
  } catch (err) {
    return `runuser -u ${OTHER_USER} fails here (${(err as Error).message.split('\n')[0]})`
  }
})()

/** The uid of {@link OTHER_USER}. */
export function otherUid(): number {
  return Number(execFileSync('id', ['-u', OTHER_USER], { encoding: 'utf8' }).trim())
}

/** A fresh directory shared by everyone, as /tmp is: mode 1777. */
export function sharedDir(): string {
  const dir = tempDir('dw-shared-')
  chmodSync(dir, 0o1777)
  return dir
}

/** Runs a shell command as {@link OTHER_USER}; returns its exit status and output. */
export function asOtherUser(command: string): { status: number | null; output: string } {
  const run = spawnSync('runuser', ['-u', OTHER_USER, '--', 'sh', '-c', command], { encoding: 'utf8' })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}
