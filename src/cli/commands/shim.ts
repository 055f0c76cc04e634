import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFile } from '../../api.js'
import { nodeFs } from '../../fs/node-fs.js'
import { EXIT, stringOption, UsageError } from '../args.js'
import type { Command } from '../command.js'
import { printJson, println } from '../io.js'

/** The packages durable-write has a face of, and the version of each that the face mirrors. */
const ORIGINALS = {
  'write-file-atomic': { version: '7.0.1' },
  atomically: { version: '2.1.1' },
  steno: { version: '4.0.2' },
} as const

type Original = keyof typeof ORIGINALS

function isOriginal(name: string): name is Original {
  return Object.hasOwn(ORIGINALS, name)
}

/** durable-write's own version, from the package.json above this module. */
function ownVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    try {
      const pkg = JSON.parse(nodeFs().readFileSync(join(dir, 'package.json')).toString('utf8')) as {
        name?: unknown
        version?: unknown
      }
      if (pkg.name === 'durable-write' && typeof pkg.version === 'string') return pkg.version
    } catch {
      // No package.json here (or not ours): look further up.
    }
    const parent = dirname(dir)
    if (parent === dir) return '0.0.0'
    dir = parent
  }
}

/** The files of the shim package of `name`: its package.json, and entry points that re-export the face. */
function shimFiles(name: Original, ours: string): Record<string, string> {
  const face = `durable-write/compat/${name}`
  const { version } = ORIGINALS[name]
  const pkg = {
    name,
    // The original's version (build metadata does not count in ranges), so `^7.0.0` still matches.
    version: `${version}+durable-write.${ours}`,
    description: `${name} on durable-write: re-exports ${face}. Written by \`durable-write shim ${name}\`.`,
    private: true,
    license: 'MIT',
    main: './index.cjs',
    types: './index.d.ts',
    exports: {
      '.': {
        types: './index.d.ts',
        import: './index.mjs',
        require: './index.cjs',
      },
      './package.json': './package.json',
    },
    engines: { node: '>=20' },
    // A peer, not a dependency: the shim uses the project's own durable-write, so the process has one
    // copy (one per-path queue, one steno queue) however the package manager links the folder.
    peerDependencies: { 'durable-write': `^${ours}` },
    durableWrite: { shimOf: name },
  }
  const esm =
    name === 'write-file-atomic' ? `export { default } from '${face}'\n` : `export * from '${face}'\n`
  const types =
    name === 'write-file-atomic'
      ? `import writeFileAtomic = require('${face}')\nexport = writeFileAtomic\n`
      : `export * from '${face}'\n`
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'index.cjs': `'use strict'\nmodule.exports = require('${face}')\n`,
    'index.mjs': esm,
    'index.d.ts': types,
  }
}

/** Fails unless `dir` is free for the shim: no package.json, or one a previous `shim` wrote. */
function checkFree(dir: string, name: Original): void {
  let text: string
  try {
    text = nodeFs().readFileSync(join(dir, 'package.json')).toString('utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  let shimOf: unknown
  try {
    shimOf = (JSON.parse(text) as { durableWrite?: { shimOf?: unknown } }).durableWrite?.shimOf
  } catch {
    shimOf = undefined
  }
  if (shimOf !== name) {
    throw Object.assign(
      new Error(
        `${join(dir, 'package.json')} exists and was not written by 'durable-write shim ${name}'; it was left unchanged. Choose another --out directory.`,
      ),
      { code: 'EEXIST', path: dir },
    )
  }
}

/** How package.json names the shim folder: `file:./shims/x`, relative to the project directory. */
function fileSpec(cwd: string, dir: string): string {
  const rel = relative(cwd, dir).split(sep).join('/')
  if (rel === '') return 'file:.'
  return rel.startsWith('../') || rel === '..' ? `file:${rel}` : `file:./${rel}`
}

/** `durable-write shim <package>`: a package folder that stands in for write-file-atomic, atomically or steno. */
export const shimCommand: Command = {
  name: 'shim',
  summary: 'Write a package that stands in for write-file-atomic, atomically or steno',
  help: `Usage: durable-write shim <write-file-atomic|atomically|steno> [--out DIR] [options]

Writes a tiny package folder named like the original (package.json with its name and a version
that satisfies the same ranges, index files that re-export durable-write/compat/<package>), for
dependencies of your dependencies that import the original. Point the package manager at it in
your project's package.json and install again:

  npm   "overrides":   { "write-file-atomic": "file:./shims/write-file-atomic" }
  pnpm  "pnpm": { "overrides": { "write-file-atomic": "file:./shims/write-file-atomic" } }
  yarn  "resolutions": { "write-file-atomic": "file:./shims/write-file-atomic" }

Your own imports need no shim: import durable-write/compat/<package> instead. The shim takes
durable-write as a peer dependency: keep durable-write in your own dependencies. Commit the folder with the project.
Writing the shim again into the same folder updates it; a folder that holds another package is
left alone (exit 1).

Options:
  --out DIR    Folder to write the package to (created if missing) [default: shims/<package>]

Example:
  durable-write shim write-file-atomic && npm install`,
  options: { out: { type: 'string' } },
  positionals: { min: 1, max: 1, name: '<package>' },
  async run(args, io) {
    const name = args.positionals[0]!
    if (!isOriginal(name)) {
      throw new UsageError(
        `durable-write has no face of '${name}'; shim takes one of ${Object.keys(ORIGINALS).join(', ')}.`,
        this,
      )
    }
    const out = stringOption(args, 'out')
    if (out === '') throw new UsageError('--out needs a directory.', this)
    const dir = resolve(io.cwd, out ?? join('shims', name))
    checkFree(dir, name)
    const files = shimFiles(name, ownVersion())
    for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content)
    const spec = fileSpec(io.cwd, dir)
    const overrides = {
      npm: { overrides: { [name]: spec } },
      pnpm: { pnpm: { overrides: { [name]: spec } } },
      yarn: { resolutions: { [name]: spec } },
    }
    const version = JSON.parse(files['package.json']!).version as string
    if (args.json) printJson(io, { name, version, path: dir, files: Object.keys(files), overrides })
    else {
      println(io, `Wrote the shim of ${name} (${version}) to ${dir}.`)
      println(io, 'Add to package.json, then install again:')
      println(io, `  npm   "overrides": { "${name}": "${spec}" }`)
      println(io, `  pnpm  "pnpm": { "overrides": { "${name}": "${spec}" } }`)
      println(io, `  yarn  "resolutions": { "${name}": "${spec}" }`)
    }
    return EXIT.ok
  },
}
