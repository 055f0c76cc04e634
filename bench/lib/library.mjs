// Loads the built library: ../dist/index.js, or the module named by DW_BENCH_MODULE.
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** URL of the library module under test. */
export function libraryUrl() {
  const override = process.env.DW_BENCH_MODULE
  if (override) return pathToFileURL(isAbsolute(override) ? override : resolve(override)).href
  return new URL('../../dist/index.js', import.meta.url).href
}

/** The library's exports. */
export const loadLibrary = () => import(libraryUrl())
