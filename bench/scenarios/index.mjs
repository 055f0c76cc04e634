// Every scenario, in report order. Each module exports `id`, `title`, `target` (text) and
// `run({ dw, dir, quick, log, strace })`: `dw` is the library, `dir` a fresh directory for the scenario,
// `strace` the syscall cross-check. `run` resolves with `{ tables, checks, limits?, notes?, data? }`
// (see lib/table.mjs); `limits` are printed as "Measured limit" when a check fails.
import * as l from './locks.mjs'
import * as t1 from './t1.mjs'
import * as t2 from './t2.mjs'
import * as t3 from './t3.mjs'
import * as t4 from './t4.mjs'
import * as t5 from './t5.mjs'
import * as t6 from './t6.mjs'
import * as t7 from './t7.mjs'
import * as t8 from './t8.mjs'
import * as t9 from './t9.mjs'
import * as t10 from './t10.mjs'

/** The scenarios of `npm run bench`. */
export const SCENARIOS = [t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, l]
