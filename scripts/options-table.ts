/**
 * Renders the README's options tables from their one declaration (`src/option-spec.ts`). The README
 * holds the output between `<!-- options:start -->` and `<!-- options:end -->`;
 * `test/docs/options-table.test.ts` fails when the two differ, and rewrites the README when run with
 * `DW_UPDATE_README=1`:
 *
 *     DW_UPDATE_README=1 npx vitest run test/docs/options-table.test.ts
 * @module
 */
import {
  API_OPTIONS,
  BATCH_ENTRY_SPEC,
  type OptionInfo,
  type OptionSpec,
  WRITE_SPEC,
} from '../src/option-spec.js'

export const START = '<!-- options:start -->'
export const END = '<!-- options:end -->'

/** A default as the docs show it. */
function shownDefault(info: OptionInfo): string {
  if (info.shown !== undefined) return info.shown
  if (!('default' in info)) return ''
  const d = info.default
  if (typeof d === 'string') return `\`'${d}'\``
  if (typeof d === 'object' && d !== null) return `\`${JSON.stringify(d)}\``
  return `\`${String(d)}\``
}

function table(spec: OptionSpec, except: OptionSpec = {}): string {
  const rows = Object.entries(spec)
    .filter(([name, info]) => except[name] !== info)
    .map(([name, info]) => `| \`${name}\` | ${shownDefault(info)} | ${info.doc.replaceAll('|', '\\|')} |`)
  return ['| option | default | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

/** What each table shows: the write options once, then for each API what it adds or changes. */
const SECTIONS: [title: string, spec: OptionSpec, except?: OptionSpec][] = [
  [
    '`WriteOptions` — writeFile, writeFileSync, createWriteStream, `new AtomicWriter(defaults)`, and every API below that writes',
    WRITE_SPEC,
  ],
  [
    'safeWriteJson / safeWriteJsonSync / tx.writeJson: WriteOptions plus',
    API_OPTIONS.safeWriteJson,
    WRITE_SPEC,
  ],
  ['safeWriteMd / safeWriteMdSync / tx.writeMd: WriteOptions plus', API_OPTIONS.safeWriteMd, WRITE_SPEC],
  ['multiEdit / multiEditSync / tx.edit: WriteOptions plus', API_OPTIONS.multiEdit, WRITE_SPEC],
  ['readVersioned / readVersionedSync', API_OPTIONS.readVersioned],
  ['readJson / readJsonSync', API_OPTIONS.readJson],
  ['`LockOptions` — `lock: { ... }` of any write', API_OPTIONS.LockOptions],
  ['`RetryOptions` — `retries: { ... }` of a lock', API_OPTIONS.RetryOptions],
  ['`BackupOptions` — `backup: { ... }` of any write', API_OPTIONS.BackupOptions],
  ['withLock', API_OPTIONS.withLock],
  [
    'update: WriteOptions and LockOptions, with',
    API_OPTIONS.update,
    { ...WRITE_SPEC, ...API_OPTIONS.LockOptions },
  ],
  ['updateJson: those of update and safeWriteJson, plus', API_OPTIONS.updateJson, API_OPTIONS.safeWriteJson],
  ['writeTransaction: WriteOptions (defaults for every file) plus', API_OPTIONS.writeTransaction, WRITE_SPEC],
  ["batchWrite: writeTransaction's plus", API_OPTIONS.batchWrite, API_OPTIONS.writeTransaction],
  ['each batchWrite entry', BATCH_ENTRY_SPEC],
  ['recover', API_OPTIONS.recover],
  ['checkpoint', API_OPTIONS.checkpoint],
  ['new WriteQueue', API_OPTIONS.WriteQueue],
  ['queue.write', API_OPTIONS['queue.write']],
]

/** The markdown between the markers: one table per section. */
export function renderOptionsTables(): string {
  return SECTIONS.map(([title, spec, except]) => `**${title}**\n\n${table(spec, except)}`).join('\n\n')
}

/** `readme` with the text between the markers replaced by the tables; undefined when it has no markers. */
export function withTables(readme: string): string | undefined {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) return undefined
  return `${readme.slice(0, start + START.length)}\n${renderOptionsTables()}\n${readme.slice(end)}`
}
