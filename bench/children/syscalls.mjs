// Child of the strace cross-check: `n` sequential 1 KiB writes of one implementation into `dir`.
// Prints the WriteStats.ops of the last write.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { reply } from '../lib/child.mjs'
import { text } from '../lib/data.mjs'
import { loadLibrary } from '../lib/library.mjs'
import { rawDurableWrite } from '../lib/raw-durable.mjs'

const [impl, nText, dir] = process.argv.slice(2)
const dw = await loadLibrary()
const write = impl === 'raw' ? rawDurableWrite : (path, data) => dw.writeFile(path, data)
mkdirSync(dir, { recursive: true })
const data = text(1024)
const target = join(dir, 'target.txt')
await write(target, data)
let ops
for (let i = 0; i < Number(nText); i++) ops = (await write(target, data)).ops
reply({ impl, n: Number(nText), ops })
