import { SerializeError } from '../errors.js'

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * A JSON path in the `$.users[3].id` notation: array indexes in brackets, identifier keys after a dot,
 * any other key quoted in brackets (`$["a b"]`).
 * @param segments array indexes (numbers) and object keys (strings), outermost first
 */
export function formatJsonPath(segments: Iterable<string | number>): string {
  let out = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (IDENTIFIER.test(segment)) out += `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}

/** Why a value cannot be serialized. */
export type SerializeProblem =
  | { kind: 'bigint' }
  | { kind: 'cycle'; ancestorPath: string }
  | { kind: 'nothing'; what: string }
  | { kind: 'limit'; reason: string }

function where(path: string | undefined): string {
  return path === undefined ? '' : ` for ${path}`
}

/** The {@link SerializeError} for `problem` at `jsonPath`, with a message that says what to do. */
export function serializeError(
  problem: SerializeProblem,
  jsonPath: string,
  details: { path?: string | undefined; cause?: unknown } = {},
): SerializeError {
  let message: string
  switch (problem.kind) {
    case 'bigint':
      message =
        `Cannot serialize the value at ${jsonPath} to JSON${where(details.path)}: it is a BigInt, which JSON ` +
        'has no representation for. Convert it to a string or a number first (for example with a `replacer` ' +
        'or a `toJSON` method); nothing was written.'
      break
    case 'cycle':
      message =
        `Cannot serialize the value at ${jsonPath} to JSON${where(details.path)}: it is a circular reference ` +
        `to ${problem.ancestorPath}. Remove the cycle (or drop that key with a \`replacer\`); nothing was written.`
      break
    case 'nothing':
      message =
        `Cannot serialize the value at ${jsonPath} to JSON${where(details.path)}: the top-level value is ` +
        `${problem.what}, which has no JSON representation. Pass a JSON value (an object, an array, a string, ` +
        'a number, a boolean or null); nothing was written.'
      break
    case 'limit':
      message =
        `Cannot serialize the value at ${jsonPath} to JSON${where(details.path)} in one piece: ${problem.reason}. ` +
        'Serialize it incrementally with `stream: true`; nothing was written.'
      break
  }
  return new SerializeError(message, { jsonPath, path: details.path, cause: details.cause })
}

/** Describes a top-level value that serializes to nothing, for {@link serializeError}. */
export function describeNothing(resolved: unknown, raw: unknown): string {
  const kind = (v: unknown) =>
    v === undefined ? 'undefined' : typeof v === 'function' ? 'a function' : 'a symbol'
  if (resolved === raw) return kind(raw)
  return `${kind(resolved)} (returned by its \`toJSON\` method or the \`replacer\`)`
}
