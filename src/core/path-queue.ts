/** Runs tasks for the same key one after another, in call order (FIFO); different keys run concurrently. */
export class PathQueue {
  readonly #tails = new Map<string, Promise<void>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key)
    const result = prev ? prev.then(task) : task()
    const tail = result.then(noop, noop)
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}

function noop(): void {}
