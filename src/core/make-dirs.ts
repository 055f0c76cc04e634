import { dirname } from 'node:path'
import type { Steps } from '../steps/op.js'
import { ignoring, mkdir, syncDir } from '../steps/vocabulary.js'

/**
 * Creates the missing directories above `dir`, top down. In durable mode each new directory's entry
 * is synced in its parent (the deepest one's own entries are synced after the rename).
 */
export function* makeDirs(dir: string, durable: boolean): Steps<void> {
  const created: string[] = []
  let current = dir
  for (;;) {
    try {
      yield* mkdir(current)
      created.push(current)
      break
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') break
      if (code !== 'ENOENT' || dirname(current) === current) throw err
      created.push(current)
      current = dirname(current)
    }
  }
  // created = [dir, ..., topmost missing]; the topmost now exists, create the rest top down.
  for (let i = created.length - 2; i >= 0; i--) {
    yield* ignoring(mkdir(created[i]!), ['EEXIST'], undefined)
  }
  if (durable) {
    for (let i = created.length - 1; i >= 0; i--) yield* syncDir(dirname(created[i]!))
  }
}
