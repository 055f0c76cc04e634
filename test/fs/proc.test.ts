import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  judgeProcess,
  judgeWriter,
  parseStat,
  selfRecord,
  selfWorld,
  selfWriter,
  UNKNOWN_WORLD,
  worldOf,
} from '../../src/fs/proc.js'
import { startChild } from '../helpers/children.js'
import { deadWriter, foreignWriter } from '../helpers/dead-writer.js'

const linux = process.platform === 'linux'

describe.runIf(linux)('process identity', () => {
  it('records host, boot id, pid namespace, pid and start time of this process', () => {
    const me = selfRecord()
    expect(me.pid).toBe(process.pid)
    expect(me.boot).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim())
    expect(me.pidns).toMatch(/^pid:\[\d+\]$/)
    expect(me.start).toBeGreaterThan(0)
    expect(selfWorld()).toMatch(/^[0-9a-f]{8}$/)
    expect(selfWorld()).not.toBe(UNKNOWN_WORLD)
  })

  it('parses the start time after the last parenthesis, whatever the command name holds', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20'
    expect(parseStat(`42 (a b) c)) ${rest}`)).toEqual({ state: 'S', start: 987654 })
    expect(parseStat('42 (x')).toBeUndefined()
  })

  it('judges this process live, a vanished pid or another start time dead', () => {
    expect(judgeWriter(selfWriter())).toBe('live')
    expect(judgeProcess(selfRecord())).toBe('live')
    expect(judgeWriter(deadWriter())).toBe('dead')
    expect(judgeWriter({ ...selfWriter(), start: selfWriter().start + 1 })).toBe('dead')
    expect(judgeProcess({ ...selfRecord(), start: selfRecord().start + 1 })).toBe('dead')
  })

  it('calls a process of another world unknown: host, boot id or pid namespace differs', () => {
    const me = selfRecord()
    expect(judgeWriter(foreignWriter())).toBe('unknown')
    expect(judgeProcess({ ...me, pid: 4_194_305, host: `${me.host}-other` })).toBe('unknown')
    expect(judgeProcess({ ...me, pid: 4_194_305, boot: '00000000-0000-0000-0000-000000000000' })).toBe(
      'unknown',
    )
    expect(judgeProcess({ ...me, pid: 4_194_305, pidns: 'pid:[1]' })).toBe('unknown')
    expect(judgeProcess({ ...me, pid: 4_194_305, boot: '' })).toBe('unknown')
    expect(worldOf({ ...me, boot: '' })).toBe(UNKNOWN_WORLD)
  })

  it('judges a child dead once it has exited, live while it runs', async () => {
    const child = startChild(new URL('../core/fixtures/hold-temp.mjs', import.meta.url), ['--idle'])
    await child.line('idle')
    const start = parseStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8'))!.start
    const writer = { pid: child.pid, start, world: selfWorld() }
    expect(judgeWriter(writer)).toBe('live')
    child.kill('SIGKILL')
    await child.exited
    expect(judgeWriter(writer)).toBe('dead')
  })
})
