/** The streams and working directory a command runs with (the process's, or a test's). */
export interface Io {
  /** Where `write` reads the content and `edit --edits -` reads the edits. */
  readonly stdin: NodeJS.ReadableStream
  /** Results: the human-readable lines, or the one JSON object of `--json`. */
  readonly stdout: NodeJS.WritableStream
  /** Errors and progress. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined }
  /** Directory relative paths are resolved against. */
  readonly cwd: string
}

/** The process's own streams and working directory. */
export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }
}

/** Prints one line on stdout. */
export function println(io: Io, line: string): void {
  io.stdout.write(`${line}\n`)
}

/** Prints `value` as one JSON object (2-space indent) on stdout. */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** Reads a whole stream into one buffer. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks)
}
