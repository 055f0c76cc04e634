#!/usr/bin/env node
/**
 * The `durable-write` command: atomic, durable writes, edits, verification and recovery from the
 * shell. See `durable-write --help`.
 * @module
 */
import { processIo } from './io.js'
import { run } from './run.js'

void run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code
})
