/** Shown once this many files were checked (small trees finish before anyone looks). */
const MANY_FILES = 1000
/** Redraw at most this often. */
const INTERVAL_MS = 100

/** A one-line counter on a terminal's stderr, redrawn in place and cleared at the end. */
export interface Progress {
  /** Reports that `checked` files have been checked so far. */
  tick(checked: number): void
  /** Clears the line, if anything was shown. */
  done(): void
}

/** A {@link Progress} on `stream`; it shows nothing unless the stream is a terminal. */
export function progressOn(
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined },
): Progress {
  let shown = false
  let last = 0
  return {
    tick(checked) {
      if (stream.isTTY !== true || checked < MANY_FILES) return
      const now = performance.now()
      if (shown && now - last < INTERVAL_MS) return
      last = now
      shown = true
      stream.write(`\r\x1b[Kdurable-write: verifying… ${checked} files checked`)
    },
    done() {
      if (shown) stream.write('\r\x1b[K')
      shown = false
    },
  }
}
