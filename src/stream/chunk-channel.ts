/**
 * Hands chunks from a Writable to the write protocol one at a time. A chunk's callback runs when the
 * protocol takes it, so the stream's own buffering (highWaterMark) bounds memory.
 */
export class ChunkChannel implements AsyncIterator<Uint8Array> {
  #chunk: { data: Uint8Array; taken: () => void } | undefined
  #waiter: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined
  #ended = false
  #error: unknown

  /** Offers a chunk; `taken` runs once the consumer has it. The Writable offers one at a time. */
  push(data: Uint8Array, taken: () => void): void {
    if (this.#waiter) {
      const waiter = this.#waiter
      this.#waiter = undefined
      waiter.resolve({ value: data, done: false })
      taken()
    } else {
      this.#chunk = { data, taken }
    }
  }

  /** No more chunks: the consumer sees the end. */
  end(): void {
    this.#ended = true
    this.#settle()
  }

  /** The producer failed: the consumer's next pull rejects with `error`. */
  fail(error: unknown): void {
    this.#error = error ?? new Error('The stream was destroyed.')
    this.#settle()
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#error !== undefined) return Promise.reject(this.#error)
    if (this.#chunk) {
      const { data, taken } = this.#chunk
      this.#chunk = undefined
      taken()
      return Promise.resolve({ value: data, done: false })
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject }
    })
  }

  #settle(): void {
    const waiter = this.#waiter
    if (!waiter) return
    this.#waiter = undefined
    if (this.#error !== undefined) waiter.reject(this.#error)
    else if (this.#ended) waiter.resolve({ value: undefined, done: true })
  }
}
