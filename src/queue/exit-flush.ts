/**
 * Flushes a queue before the process exits normally: on `beforeExit` asynchronously, on `exit`
 * (process.exit or the end of the loop after beforeExit) synchronously. Installed on first use,
 * removed on close — nothing is installed at import time.
 */
export class ExitFlush {
  readonly #flush: () => Promise<void>
  readonly #flushSync: () => void
  #installed = false
  readonly #onBeforeExit = () => {
    void this.#flush()
  }
  readonly #onExit = () => this.#flushSync()

  constructor(flush: () => Promise<void>, flushSync: () => void) {
    this.#flush = flush
    this.#flushSync = flushSync
  }

  install(): void {
    if (this.#installed) return
    this.#installed = true
    process.on('beforeExit', this.#onBeforeExit)
    process.on('exit', this.#onExit)
  }

  remove(): void {
    if (!this.#installed) return
    this.#installed = false
    process.off('beforeExit', this.#onBeforeExit)
    process.off('exit', this.#onExit)
  }
}
