/** Runs tasks for the same key one after another, in call order (FIFO); different keys run concurrently. */
export class PathQueue {
  readonly #tails = new Map<string, Promise<void>>()

  /** Runs `task` once every earlier task for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.runAll([key], task)
  }

  /**
   * Runs `task` once every earlier task for any of `keys` has settled, holding all of them.
   * Registration is synchronous and all-at-once, so tasks on overlapping key sets cannot deadlock.
   */
  runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const prev: Promise<void>[] = []
    for (const key of keys) {
      const tail = this.#tails.get(key)
      if (tail) prev.push(tail)
    }
    const result =
      prev.length === 0 ? task() : prev.length === 1 ? prev[0]!.then(task) : Promise.all(prev).then(task)
    const tail = result.then(noop, noop)
    for (const key of keys) this.#tails.set(key, tail)
    void tail.then(() => {
      for (const key of keys) if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}

function noop(): void {}
