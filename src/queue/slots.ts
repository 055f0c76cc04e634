/** At most `size` tasks at once; waiting high-priority tasks start before waiting normal ones. */
export class Slots {
  readonly #size: number
  #busy = 0
  readonly #high: (() => void)[] = []
  readonly #normal: (() => void)[] = []

  constructor(size: number) {
    this.#size = size
  }

  async run<T>(high: boolean, task: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.#size)
      await new Promise<void>((resolve) => (high ? this.#high : this.#normal).push(resolve))
    else this.#busy++
    try {
      return await task()
    } finally {
      const next = this.#high.shift() ?? this.#normal.shift()
      if (next) next()
      else this.#busy--
    }
  }
}
