import type { WriterIdentity } from '../../src/fs/proc.js'
import { selfWriter } from '../../src/fs/proc.js'

/**
 * A writer of this machine and pid namespace that cannot be running: its pid is above the largest
 * pid Linux ever hands out (2^22). Pass it as `tempPathFor`'s third argument to fabricate the
 * leftover temp of a dead writer.
 */
export function deadWriter(): WriterIdentity {
  return { pid: 4_194_304 + 1, start: 1, world: selfWriter().world }
}

/** A writer of another host, boot or pid namespace (another world hash): it can never be judged. */
export function foreignWriter(): WriterIdentity {
  const world = selfWriter().world === 'abcdef12' ? '12abcdef' : 'abcdef12'
  return { pid: process.pid, start: selfWriter().start, world }
}
