import type { FsLike } from '../fs/fs-like.js'
import { type DirSyncer, syncDirAsync } from '../steps/runner.js'

interface DirState {
  running: Promise<void> | undefined
  next: Promise<void> | undefined
}

/**
 * Shares directory fsyncs between concurrent writes into one directory (group commit).
 * A directory fsync covers every rename that finished before it started, so a caller whose rename
 * finished while a sync was already running waits for the next one, which every such caller shares.
 */
export class GroupCommit implements DirSyncer {
  readonly #fs: FsLike
  readonly #dirs = new Map<string, DirState>()
  /** Directory fsyncs actually issued. */
  issued = 0

  constructor(fs: FsLike) {
    this.#fs = fs
  }

  sync(dir: string): Promise<void> {
    let state = this.#dirs.get(dir)
    if (!state) {
      state = { running: undefined, next: undefined }
      this.#dirs.set(dir, state)
    }
    if (state.next) return state.next
    if (!state.running) return this.#start(dir, state)
    const s = state
    s.next = state.running.then(noop, noop).then(() => {
      s.next = undefined
      return this.#start(dir, s)
    })
    return s.next
  }

  #start(dir: string, state: DirState): Promise<void> {
    this.issued++
    const running = syncDirAsync(this.#fs, dir).finally(() => {
      if (state.running === running) state.running = undefined
      if (!state.running && !state.next) this.#dirs.delete(dir)
    })
    state.running = running
    return running
  }
}

function noop(): void {}
