import { WriterCore } from '../../src/core/writer-core.js'
import { multiEdit, multiEditSync } from '../../src/edit/multi-edit.js'
import type { Edit, EditOptions, EditResult } from '../../src/edit/types.js'

/** One flavour of multiEdit, so every case runs through both the async and the sync API. */
export interface EditApi {
  name: 'multiEdit' | 'multiEditSync'
  sync: boolean
  /** The edit, always awaited. */
  edit(path: string | URL, edits: unknown, options?: unknown): Promise<EditResult>
  /** Calls the API as a user would: the sync one returns or throws, the async one returns a promise. */
  call(path: unknown, edits: unknown, options?: unknown): EditResult | Promise<EditResult>
}

const writer = new WriterCore()

/** `multiEdit` and `multiEditSync`, for `describe.each`. */
export const apis: EditApi[] = [
  {
    name: 'multiEdit',
    sync: false,
    edit: (path, edits, options) => multiEdit(writer, path, edits as Edit[], options as EditOptions),
    call: (path, edits, options) =>
      multiEdit(writer, path as string, edits as Edit[], options as EditOptions),
  },
  {
    name: 'multiEditSync',
    sync: true,
    edit: async (path, edits, options) =>
      multiEditSync(writer, path, edits as Edit[], options as EditOptions),
    call: (path, edits, options) =>
      multiEditSync(writer, path as string, edits as Edit[], options as EditOptions),
  },
]

/** An error with the fields edit errors carry. */
export type EditFailure = Error & {
  code?: string
  path?: string
  editIndex?: number
  nearMatch?: { line: number; similarity: number; text: string }
  hint?: string
  matches?: { count: number; lines: number[] }
  expectedCount?: number
  expected?: string | null
  actual?: string | null
}

/**
 * Runs a call that must fail and returns its error. The async API must report every failure as a
 * rejected promise, never as a synchronous throw.
 */
export async function failureOf(api: EditApi, run: () => unknown): Promise<EditFailure> {
  let result: unknown
  try {
    result = run()
  } catch (err) {
    if (!api.sync) throw new Error(`${api.name} threw synchronously instead of rejecting: ${String(err)}`)
    return err as EditFailure
  }
  if (api.sync) throw new Error(`${api.name} was expected to throw but returned`)
  try {
    await result
  } catch (err) {
    return err as EditFailure
  }
  throw new Error(`${api.name} was expected to reject but resolved`)
}
