import { channel } from 'node:diagnostics_channel'

/** Names of the diagnostics channels durable-write publishes on (API.md §10). */
export type ChannelName = 'write' | 'edit' | 'batch' | 'transaction' | 'recover' | 'queue' | 'lock'

/**
 * Publishes `message` on `durable-write:<name>`; costs one property read when nobody subscribes.
 * Subscribe with `diagnostics_channel.subscribe('durable-write:write', fn)`.
 */
export function publish(name: ChannelName, message: object): void {
  const ch = channel(`durable-write:${name}`)
  if (ch.hasSubscribers) ch.publish(message)
}
