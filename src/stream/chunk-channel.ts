/**
 * Hands chunks from a Writable to the write protocol one at a time. A chunk's callback runs when the
 * protocol comes back for the next chunk, that is once it has written or copied this one: the
 * Writable's caller may then reuse the buffer, and the stream's own buffering (highWaterMark) bounds
 * memory.
 */
export class ChunkChannel implements AsyncIterator<Uint8Array> {
  #chunk: { data: Uint8Array; taken: Taken } | undefined
  /** Callback of the chunk the consumer is processing; it runs when the consumer asks for more. */
  #held: Taken | undefined
  #waiter: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined
  #ended = false
  #drained = false
  #error: unknown

  /** True once the consumer has seen the end: it has every chunk and needs nothing more from the producer. */
  get drained(): boolean {
    return this.#drained
  }

  /**
   * Offers a chunk; `taken` runs once the consumer is done with it, or with the error if the channel
   * fails first. The Writable offers one at a time.
   */
  push(data: Uint8Array, taken: Taken): void {
    if (this.#waiter) {
      const waiter = this.#waiter
      this.#waiter = undefined
      this.#held = taken
      waiter.resolve({ value: data, done: false })
    } else {
      this.#chunk = { data, taken }
    }
  }

  /** No more chunks: the consumer sees the end. */
  end(): void {
    this.#ended = true
    this.#settle()
  }

  /** The stream failed: the consumer's next pull rejects with `error`, and so do the chunks not yet done. */
  fail(error: Error): void {
    this.#error = error
    const held = this.#held
    const offered = this.#chunk
    this.#held = undefined
    this.#chunk = undefined
    held?.(error)
    offered?.taken(error)
    this.#settle()
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    // The previous chunk is written or copied: release it. The Writable may offer the next one at once.
    const held = this.#held
    this.#held = undefined
    held?.()
    if (this.#error !== undefined) return Promise.reject(this.#error)
    if (this.#chunk) {
      const { data, taken } = this.#chunk
      this.#chunk = undefined
      this.#held = taken
      return Promise.resolve({ value: data, done: false })
    }
    if (this.#ended) {
      this.#drained = true
      return Promise.resolve({ value: undefined, done: true })
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject }
    })
  }

  #settle(): void {
    const waiter = this.#waiter
    if (!waiter) return
    this.#waiter = undefined
    if (this.#error !== undefined) waiter.reject(this.#error)
    else if (this.#ended) {
      this.#drained = true
      waiter.resolve({ value: undefined, done: true })
    }
  }
}

/** The Writable's write callback. */
type Taken = (error?: Error) => void
