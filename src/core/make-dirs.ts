import { dirname } from 'node:path'
import type { Steps } from '../steps/op.js'
import { ignoring, mkdir, syncDir } from '../steps/vocabulary.js'

/**
 * Creates the missing directories above `dir`, top down. In durable mode each new directory's entry
 * is synced in its parent (the deepest one's own entries are synced after the rename).
 * @returns the directories this call created, deepest first (empty when `dir` existed)
 */
export function* makeDirs(dir: string, durable: boolean): Steps<string[]> {
  // missing = [dir, ..., topmost missing]; made = how many of them (from the top) exist by now.
  const missing: string[] = []
  let current = dir
  let made = 0
  for (;;) {
    try {
      yield* mkdir(current)
      missing.push(current)
      made = 1
      break
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Made meanwhile by someone else: it exists, and what is below it is still missing.
      if (code === 'EEXIST') break
      if (code !== 'ENOENT' || dirname(current) === current) throw err
      missing.push(current)
      current = dirname(current)
    }
  }
  const created = missing.slice(missing.length - made)
  for (let i = missing.length - 1 - made; i >= 0; i--) {
    const ok = yield* ignoring(
      (function* () {
        yield* mkdir(missing[i]!)
        return true
      })(),
      ['EEXIST'],
      false,
    )
    if (ok) created.unshift(missing[i]!)
  }
  if (durable) {
    for (let i = created.length - 1; i >= 0; i--) yield* syncDir(dirname(created[i]!))
  }
  return created
}
