import { afterEach } from 'vitest'
import { WriteQueue, type WriteQueueOptions } from '../../src/index.js'

const open: WriteQueue[] = []

/** A queue that is closed after the test, so no exit hook outlives it. */
export function newQueue(options?: WriteQueueOptions): WriteQueue {
  const queue = new WriteQueue(options)
  open.push(queue)
  return queue
}

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((q) => q.close()))
})
