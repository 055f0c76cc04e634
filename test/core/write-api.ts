import type { Data, Versioned, WriteOptions, WriteStats } from '../../src/index.js'
import { readVersioned, readVersionedSync, writeFile, writeFileSync } from '../../src/index.js'

/** One flavour of the core write API, so every case runs through both `writeFile` and `writeFileSync`. */
export interface WriteApi {
  name: 'writeFile' | 'writeFileSync'
  sync: boolean
  /** Calls the API as a user would: the sync one returns, the async one returns a promise. */
  call(path: unknown, data: unknown, options?: unknown): WriteStats | Promise<WriteStats>
  /** The write, always awaited. */
  write(path: string | URL, data: Data, options?: WriteOptions): Promise<WriteStats>
  /** The matching readVersioned flavour. */
  read(path: string | URL, options?: { encoding?: BufferEncoding }): Promise<Versioned<string | Buffer>>
}

type AnyWrite = (path: unknown, data: unknown, options?: unknown) => WriteStats | Promise<WriteStats>

/** `writeFile` and `writeFileSync`, for `describe.each`. */
export const apis: WriteApi[] = [
  {
    name: 'writeFile',
    sync: false,
    call: writeFile as AnyWrite,
    write: (path, data, options) => writeFile(path, data, options),
    read: (path, options) => readVersioned(path, options),
  },
  {
    name: 'writeFileSync',
    sync: true,
    call: writeFileSync as AnyWrite,
    write: async (path, data, options) => writeFileSync(path, data as never, options),
    read: async (path, options) => readVersionedSync(path, options),
  },
]

/** An error with the fields durable-write and node:fs errors carry. */
export type CaughtError = Error & {
  code?: string
  path?: string
  cause?: unknown
  expected?: string | null
  actual?: string | null
  root?: string
}

/**
 * Runs a call that must fail and returns its error. The async API must report every failure,
 * argument errors included, as a rejected promise, never as a synchronous throw.
 */
export async function failureOf(api: WriteApi, run: () => unknown): Promise<CaughtError> {
  let result: unknown
  try {
    result = run()
  } catch (err) {
    if (!api.sync) throw new Error(`${api.name} threw synchronously instead of rejecting: ${String(err)}`)
    return err as CaughtError
  }
  if (api.sync) throw new Error(`${api.name} was expected to throw but returned`)
  try {
    await result
  } catch (err) {
    return err as CaughtError
  }
  throw new Error(`${api.name} was expected to reject but resolved`)
}

/** Awaits a call that must fail and returns its error, however it fails. */
export async function errorOf(run: () => unknown): Promise<CaughtError> {
  try {
    await run()
  } catch (err) {
    return err as CaughtError
  }
  throw new Error('the call was expected to fail but succeeded')
}
