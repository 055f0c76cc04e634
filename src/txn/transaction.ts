import { collect, type Data, toSource } from '../core/data.js'
import { refuseDirectoryFormSync } from '../core/file-target.js'
import { toAbsolutePath } from '../core/paths.js'
import { checkRoot } from '../core/resolve-target.js'
import { splitEditOptions } from '../edit/edit-options.js'
import { planEdits } from '../edit/plan.js'
import type { Edit, EditOptions } from '../edit/types.js'
import { checkEdits } from '../edit/validate-edits.js'
import { invalidArgType, invalidArgValue } from '../errors.js'
import { type JsonOptions, jsonSource, splitJsonOptions } from '../formats/json.js'
import { needsPrevious, splitTextOptions, type TextOptions, type TextPolicy } from '../formats/markdown.js'
import { formatText } from '../formats/text.js'
import type { FsLike } from '../fs/fs-like.js'
import { API_OPTIONS } from '../option-spec.js'
import {
  checkOptionsObject,
  type ResolvedWriteOptions,
  resolveWriteOptions,
  type WriteOptions,
} from '../options.js'
import { runAsync } from '../steps/runner.js'
import type { TxItem } from './commit.js'

type Staged =
  | { kind: 'write'; data: Data; options: ResolvedWriteOptions }
  | { kind: 'bytes'; bytes: Uint8Array; options: ResolvedWriteOptions }
  | { kind: 'remove'; options: ResolvedWriteOptions }
  /** Text formatted against the content it replaces: `over` (staged), else the file on disk. */
  | {
      kind: 'text'
      text: string
      policy: TextPolicy
      over: Content | undefined
      options: ResolvedWriteOptions
    }

/** A staged version with content (not a removal). */
type Content = Exclude<Staged, { kind: 'remove' }>

/**
 * The changes a `writeTransaction` callback stages. Nothing touches the disk until the callback
 * returns; then every change commits together, or none does. (A type only: `writeTransaction`
 * creates transactions.)
 */
export interface Transaction {
  /** Stages new content for `path` (any Data form; streams are read at commit). */
  writeFile(path: string | URL, data: Data, options?: WriteOptions): void
  /** Stages `value` as JSON (serialized now: a value that cannot be serialized throws ERR_SERIALIZE here). */
  writeJson(path: string | URL, value: unknown, options?: JsonOptions): void
  /**
   * Stages text. Line-ending, final-newline and BOM policies that preserve the replaced file look at
   * the content this transaction sees for `path`: the staged version, else the file on disk (read when
   * the callback returns, or by an earlier `tx.read` of the path).
   */
  writeMd(path: string | URL, text: string, options?: TextOptions): void
  /** Applies `edits` (multiEdit semantics) to the content this transaction sees for `path`. */
  edit(path: string | URL, edits: readonly Edit[], options?: EditOptions): Promise<void>
  /** Stages the removal of `path` (a missing file is fine). */
  remove(path: string | URL, options?: WriteOptions): void
  read(path: string | URL, options: { encoding: BufferEncoding }): Promise<string | undefined>
  read(path: string | URL, options?: { encoding?: undefined }): Promise<Buffer | undefined>
  read(
    path: string | URL,
    options?: { encoding?: BufferEncoding | undefined },
  ): Promise<string | Buffer | undefined>
}

/** The {@link Transaction} a `writeTransaction` callback gets, with the staged changes it commits. */
export class StagedTransaction implements Transaction {
  readonly #staged = new Map<string, Staged>()
  readonly #base: WriteOptions
  readonly #fs: FsLike

  /** @internal Created by writeTransaction. */
  constructor(base: WriteOptions, fs: FsLike) {
    this.#base = base
    this.#fs = fs
  }

  /** The options of one staged change; its path, as given, must not end with a slash. */
  #options(options: unknown, api: string, path: unknown, abs: string): ResolvedWriteOptions {
    const o = resolveWriteOptions(options, this.#base, api)
    refuseDirectoryFormSync(path, abs, this.#fs)
    return o
  }

  /** Stages new content for `path` (any Data form; streams are read at commit). */
  writeFile(path: string | URL, data: Data, options?: WriteOptions): void {
    const abs = toAbsolutePath(path)
    const o = this.#options(options, 'tx.writeFile', path, abs)
    const source = toSource(data, o.encoding)
    this.#staged.set(
      abs,
      'bytes' in source
        ? { kind: 'bytes', bytes: source.bytes, options: o }
        : { kind: 'write', data, options: o },
    )
  }

  /** Stages `value` as JSON (serialized now: a value that cannot be serialized throws ERR_SERIALIZE here). */
  writeJson(path: string | URL, value: unknown, options?: JsonOptions): void {
    const abs = toAbsolutePath(path)
    const json = splitJsonOptions(options, 'tx.writeJson')
    const o = this.#options(json.write, 'tx.writeJson', path, abs)
    const source = jsonSource(value, json.serialize, false, abs)
    this.#staged.set(abs, { kind: 'bytes', bytes: (source as { bytes: Uint8Array }).bytes, options: o })
  }

  /**
   * Stages text. Line-ending, final-newline and BOM policies that preserve the replaced file look at
   * the content this transaction sees for `path`: the staged version, else the file on disk (read when
   * the callback returns, or by an earlier `tx.read` of the path).
   */
  writeMd(path: string | URL, text: string, options?: TextOptions): void {
    const abs = toAbsolutePath(path)
    if (typeof text !== 'string') throw invalidArgType('text', 'a string', text)
    const { policy, write } = splitTextOptions(options, 'tx.writeMd')
    const o = this.#options(write, 'tx.writeMd', path, abs)
    const prev = this.#staged.get(abs)
    if (prev?.kind === 'remove' || prev?.kind === 'bytes' || !needsPrevious(policy)) {
      const previous = prev?.kind === 'bytes' ? Buffer.from(prev.bytes).toString(o.encoding) : undefined
      const out = formatText(text, previous, policy)
      this.#staged.set(abs, { kind: 'bytes', bytes: Buffer.from(out, o.encoding), options: o })
      return
    }
    // The content it replaces is not known yet: format when it is read, or at commit.
    this.#staged.set(abs, { kind: 'text', text, policy, over: prev, options: o })
  }

  /** Applies `edits` (multiEdit semantics) to the content this transaction sees for `path`. */
  async edit(path: string | URL, edits: readonly Edit[], options?: EditOptions): Promise<void> {
    const abs = toAbsolutePath(path)
    const split = splitEditOptions(options, 'tx.edit')
    const o = this.#options(split.write, 'tx.edit', path, abs)
    const checked = checkEdits(edits, abs)
    const current = await this.#bytes(abs, o.root)
    const plan = planEdits(current, checked, split.edit, abs)
    this.#staged.set(abs, { kind: 'bytes', bytes: plan.bytes, options: o })
  }

  /** Stages the removal of `path` (a missing file is fine). */
  remove(path: string | URL, options?: WriteOptions): void {
    const abs = toAbsolutePath(path)
    this.#staged.set(abs, { kind: 'remove', options: this.#options(options, 'tx.remove', path, abs) })
  }

  read(path: string | URL, options: { encoding: BufferEncoding }): Promise<string | undefined>
  read(path: string | URL, options?: { encoding?: undefined }): Promise<Buffer | undefined>
  read(
    path: string | URL,
    options?: { encoding?: BufferEncoding | undefined },
  ): Promise<string | Buffer | undefined>
  async read(
    path: string | URL,
    options?: { encoding?: BufferEncoding | undefined },
  ): Promise<string | Buffer | undefined> {
    const abs = toAbsolutePath(path)
    const { encoding } = checkOptionsObject(options, 'options', API_OPTIONS['tx.read'], 'tx.read') as {
      encoding?: BufferEncoding
    }
    if (encoding !== undefined && !Buffer.isEncoding(encoding)) {
      throw invalidArgValue('options.encoding', 'a Buffer encoding', encoding, 'type')
    }
    const bytes = await this.#bytes(abs, this.#base.root)
    if (bytes === undefined) return undefined
    return encoding ? Buffer.from(bytes).toString(encoding) : Buffer.from(bytes)
  }

  /** What this transaction sees at `abs`; with `root` set, `abs` must lie inside it even when staged. */
  async #bytes(abs: string, root: string | URL | undefined): Promise<Uint8Array | undefined> {
    if (root !== undefined) await runAsync(checkRoot(abs, root), this.#fs)
    const staged = this.#staged.get(abs)
    if (staged?.kind === 'remove') return undefined
    if (staged === undefined) return this.#disk(abs, ['ENOENT'], undefined)
    const bytes = await this.#resolve(abs, staged)
    this.#staged.set(abs, { kind: 'bytes', bytes, options: staged.options })
    return bytes
  }

  /**
   * The file on disk; `undefined` for the given error codes. With `root` set, it is read only once
   * `abs` (and the file a symlink there leads to) is known to lie inside it (`ERR_OUTSIDE_ROOT`).
   */
  async #disk(
    abs: string,
    absent: readonly string[],
    root: string | URL | undefined,
  ): Promise<Uint8Array | undefined> {
    if (root !== undefined) await runAsync(checkRoot(abs, root), this.#fs)
    try {
      return await this.#fs.readFile(abs)
    } catch (err) {
      if (absent.includes((err as NodeJS.ErrnoException).code ?? '')) return undefined
      throw err
    }
  }

  /** The bytes of a staged version: streams read to their end, text formatted against what it replaces. */
  async #resolve(abs: string, staged: Content): Promise<Uint8Array> {
    if (staged.kind === 'bytes') return staged.bytes
    if (staged.kind === 'write') return collectData(staged.data, staged.options.encoding, this.#fs)
    const previous =
      staged.over === undefined
        ? await this.#disk(abs, ['ENOENT', 'EISDIR'], staged.options.root)
        : await this.#resolve(abs, staged.over)
    const encoding = staged.options.encoding
    const before = previous === undefined ? undefined : Buffer.from(previous).toString(encoding)
    return Buffer.from(formatText(staged.text, before, staged.policy), encoding)
  }

  /** @internal The staged changes as commit items, every stream read to its end. */
  async items(): Promise<TxItem[]> {
    const items: TxItem[] = []
    for (const [abs, staged] of this.#staged) {
      if (staged.kind === 'remove') items.push({ kind: 'remove', abs, options: staged.options })
      else
        items.push({ kind: 'write', abs, bytes: await this.#resolve(abs, staged), options: staged.options })
    }
    return items
  }
}

function collectData(data: Data, encoding: BufferEncoding, fs: FsLike): Promise<Uint8Array> {
  return runAsync(collect(toSource(data, encoding)), fs)
}
