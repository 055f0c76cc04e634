import { readFile, writeFile } from 'node:fs/promises'
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'compat/write-file-atomic': 'src/compat/write-file-atomic.ts',
    'compat/atomically': 'src/compat/atomically.ts',
    'compat/steno': 'src/compat/steno.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  shims: true,
  // Keep `node:fs`, `node:path`...: a client test that mocks the bare `fs` or `path` (require-inject,
  // proxyquire) must not reach the faces.
  removeNodeProtocol: false,
  // `require('durable-write/compat/write-file-atomic')` returns the function itself, as the original does.
  cjsInterop: true,
  // With treeshake, rollup already turns a default-only entry into `module.exports = <default>`;
  // cjsInterop then appends `module.exports = exports.default`, undefined there (tsup issue #1319).
  async onSuccess() {
    const file = 'dist/compat/write-file-atomic.cjs'
    const code = await readFile(file, 'utf8')
    await writeFile(file, code.replace(/\nmodule\.exports = exports\.default;\n*$/, '\n'))
  },
})
