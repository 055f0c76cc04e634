import { describe, expect, it } from 'vitest'
import { searchWork } from '../../src/edit/near-match.js'
import { loose } from '../../src/edit/similarity.js'
import { findTolerant, MAX_LISTED } from '../../src/edit/tolerant.js'

/** The text after the tolerant edit, and what was tolerated; fails if the edit does not apply. */
function edited(text: string, oldString: string, newString: string) {
  const m = findTolerant(text, oldString, newString)
  if (m === null || 'ambiguous' in m) throw new Error(`expected a match, got ${JSON.stringify(m)}`)
  return { text: text.slice(0, m.start) + m.newString + text.slice(m.end), tolerated: m.tolerated }
}

describe('findTolerant applies an edit whose only differences are invisible', () => {
  it('re-indents newString by the shift the file has over oldString', () => {
    const file = 'def f():\n    if x:\n        y = 1\n    return y\n'
    const r = edited(file, '  if x:\n      y = 1', '  if x:\n      y = 2\n      z = 3')
    expect(r.text).toBe('def f():\n    if x:\n        y = 2\n        z = 3\n    return y\n')
    expect(r.tolerated).toEqual(['indentation'])
  })

  it('re-indents newString by the shift oldString has over the file', () => {
    const file = 'if (a) {\n  b()\n}\n'
    const r = edited(file, '    if (a) {\n      b()\n    }', '    if (a) {\n      c()\n    }')
    expect(r.text).toBe('if (a) {\n  c()\n}\n')
  })

  it('turns four-space indentation into the tabs the file uses', () => {
    const file = 'func f() {\n\tif a {\n\t\tb()\n\t}\n}\n'
    const r = edited(file, '    if a {\n        b()\n    }', '    if a {\n        c()\n        d()\n    }')
    expect(r.text).toBe('func f() {\n\tif a {\n\t\tc()\n\t\td()\n\t}\n}\n')
    expect(r.tolerated).toEqual(['indentation'])
  })

  it('keeps trailing whitespace on the lines newString keeps', () => {
    const r = edited('a = 1  \nb = 2\n', 'a = 1\nb = 2', 'a = 1\nb = 3')
    expect(r.text).toBe('a = 1  \nb = 3\n')
    expect(r.tolerated).toEqual(['trailing-whitespace'])
  })

  it('re-quotes newString with the curly double quotes the file uses', () => {
    const r = edited(
      'He said “hello” and left.\n',
      'He said "hello" and left.',
      'He said "goodbye" and left.',
    )
    expect(r.text).toBe('He said “goodbye” and left.\n')
    expect(r.tolerated).toEqual(['quotes'])
  })

  it('re-quotes apostrophes and single quotes as the file has them', () => {
    const r = edited('It’s ‘mine’.\n', "It's 'mine'.", "It's 'yours', isn't it.")
    expect(r.text).toBe('It’s ‘yours’, isn’t it.\n')
  })

  it('straightens curly quotes of newString where the file has straight ones', () => {
    const r = edited('print("hi")\n', 'print(“hi”)', 'print(“bye”)')
    expect(r.text).toBe('print("bye")\n')
  })

  it('takes the dash the file uses where oldString had hyphens', () => {
    const r = edited('Pages 1–5\n', 'Pages 1-5', 'Pages 1-9')
    expect(r.text).toBe('Pages 1–9\n')
    expect(r.tolerated).toEqual(['dashes'])
  })

  it('keeps the dashes of the file in the unchanged parts of a changed line', () => {
    expect(edited('well-known 1–5\n', 'well-known 1-5', 'well-known 1-6').text).toBe('well-known 1–6\n')
    const r = edited('Pages 1–5 — see below\n', 'Pages 1-5 - see below', 'Pages 1-6 - see below')
    expect(r.text).toBe('Pages 1–6 — see below\n')
  })

  it('keeps hyphens that newString adds when the file mixes dashes and hyphens', () => {
    const r = edited('well-known 1–5\n', 'well-known 1-5', 'well-known 1-5 re-done')
    expect(r.text).toBe('well-known 1–5 re-done\n')
  })

  it('never cuts a decomposed character in two', () => {
    const r = edited('cafe\u0301 au lait\n', 'café au lait', 'cafés au lait')
    expect(r.text).toBe('cafés au lait\n'.normalize('NFD'))
  })

  it('takes the no-break spaces the file uses', () => {
    const r = edited('Total:\u00a010\u00a0EUR\n', 'Total: 10 EUR', 'Total: 12 EUR')
    expect(r.text).toBe('Total:\u00a012\u00a0EUR\n')
    expect(r.tolerated).toEqual(['spaces'])
  })

  it('tolerates collapsed runs of inner whitespace', () => {
    const r = edited('x  =   1 // aligned\ny = 2\n', 'x = 1 // aligned', 'x = 5 // aligned')
    expect(r.text).toBe('x  =   5 // aligned\ny = 2\n')
    expect(r.tolerated).toEqual(['spaces'])
  })

  it('writes newString in the normalization form of the file (NFD)', () => {
    const r = edited('Re\u0301sume\u0301 v1\n', 'Résumé v1', 'Résumé v2')
    expect(r.text).toBe('Re\u0301sume\u0301 v2\n')
    expect(r.tolerated).toEqual(['unicode-normalization'])
  })

  it('writes newString in the normalization form of the file (NFC)', () => {
    const r = edited('café\n', 'cafe\u0301', 'cafe\u0301s')
    expect(r.text).toBe('cafés\n')
  })

  it('breaks new lines as the region does', () => {
    const r = edited('a\r\nb\r\nc', 'a\nb', 'a\nB\nB2')
    expect(r.text).toBe('a\r\nB\r\nB2\r\nc')
    expect(r.tolerated).toEqual(['line-endings'])
  })

  it('starts mid-line without re-indenting the first line', () => {
    const r = edited('\tcall(a,\n\t\tb)\n', 'call(a,\n    b)', 'call(a,\n    c)')
    expect(r.text).toBe('\tcall(a,\n\t\tc)\n')
  })

  it('tolerates several differences at once and lists them in order', () => {
    const file = 'top\n\tsay(“x”)  \n\tdone()\n'
    const r = edited(file, '    say("x")\n    done()', '    say("y")\n    done()')
    expect(r.text).toBe('top\n\tsay(“y”)  \n\tdone()\n')
    expect(r.tolerated).toEqual(['indentation', 'trailing-whitespace', 'quotes'])
  })

  it('gives an empty tolerated list for an exact region', () => {
    const m = findTolerant('a\nb\n', 'b', 'c')
    expect(m).toEqual({ start: 2, end: 3, newString: 'c', tolerated: [] })
  })
})

describe('findTolerant refuses', () => {
  it('when two regions qualify, naming their lines', () => {
    const file = 'x:\n  if a:\n    go()\ny:\n  if a:\n    go()\n'
    expect(findTolerant(file, 'if a:\n  go()', 'if b:\n  go()')).toEqual({ ambiguous: [2, 5] })
  })

  it('when an exact occurrence and a look-alike both qualify', () => {
    expect(findTolerant('x = 1\nx  = 1\n', 'x = 1', 'x = 2')).toEqual({ ambiguous: [1, 2] })
  })

  it.each([
    ['an ellipsis character', 'Loading…\n', 'Loading...'],
    ['an invisible character', 'foo\u200bbar\n', 'foobar'],
    ['a missing final newline', 'a\nlast', 'last\n'],
    ['other words', 'const a = 1\n', 'const b = 1'],
    ['a line-number prefix', 'foo\nbar\n', '1\tfoo\n2\tbar'],
    ['an elided line', 'a\nb\nc\n', 'a\n...\nc'],
  ])('a region that differs by %s', (_name, file, old) => {
    expect(findTolerant(file, old, 'new')).toBeNull()
  })

  it('indentation that no single rule explains', () => {
    const file = 'a\n  b\n      c\n'
    expect(findTolerant(file, 'a\n    b\n    c', 'a\n    b\n    d')).toBeNull()
  })

  it('whitespace-only oldStrings', () => {
    expect(findTolerant('a\n\n  \nb', '\n \n', 'x')).toBeNull()
  })

  it('applies the one qualifying region when a look-alike does not qualify', () => {
    const r = edited('Wait…\n  Wait...\n', 'Wait...', 'Stop...')
    expect(r.text).toBe('Wait…\n  Stop...\n')
  })
})

describe('findTolerant cost', () => {
  it('stops after a bounded number of qualifying regions', () => {
    const file = '  x\n'.repeat(200_000)
    const before = searchWork.steps
    const m = findTolerant(file, 'x', 'y')
    expect(m).toEqual({ ambiguous: Array.from({ length: MAX_LISTED }, (_, i) => i + 1) })
    expect(searchWork.steps - before).toBeLessThan(1000)
  })

  it('does linear work when every look-alike region is refused', () => {
    const file = 'x\u2026\n'.repeat(300_000)
    const before = searchWork.steps
    expect(findTolerant(file, 'x...', 'y')).toBeNull()
    expect(searchWork.steps - before).toBeLessThanOrEqual(20 * file.length)
  })

  it('does linear work on blank lines broken by \\r\\r\\n', () => {
    const file = '\r\n'.repeat(100_000)
    const before = searchWork.steps
    expect(findTolerant(file, `${'\n'.repeat(32)}x`, 'y')).toBeNull()
    expect(searchWork.steps - before).toBeLessThanOrEqual(12 * file.length)
  })
})

/** A seeded generator of files whose lines each carry a unique id, and look-alike copies of their blocks. */
function generator(seed: number) {
  let s = seed >>> 0
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const unit = pick(['\t', '  ', '    '])
  const fancy = ['“quoted”', 'it’s', '1–5', 'a — b', 'x\u00a0y', 'Re\u0301sume\u0301', '‘single’']
  const plain = ['call()', 'value', 'return x', 'if ready {', '}', 'end']
  const lines = Array.from({ length: 30 + Math.floor(rand() * 30) }, (_, i) => {
    const indent = unit.repeat(1 + Math.floor(rand() * 3))
    const words = [pick(plain), `id${i}`]
    const isFancy = rand() < 0.4
    if (isFancy) words.push(pick(fancy))
    const trail = isFancy && rand() < 0.3 ? '  ' : ''
    return { text: `${indent}${words.join(' ')}${trail}`, isFancy, indent }
  })
  return { rand, lines }
}

/** oldString as a model would copy it: dedented by the block's common indent, quotes straight, no NBSP. */
function lookalike(block: string[], common: string): string {
  return block
    .map((l) =>
      l
        .slice(common.length)
        .replace(/[“”]/g, '"')
        .replace(/[‘’]/g, "'")
        .replace(/[–—]/g, '-')
        .replace(/\u00a0/g, ' ')
        .replace(/ +$/, '')
        .normalize('NFC'),
    )
    .join('\n')
}

describe('findTolerant on random look-alike blocks', () => {
  it('changes exactly the line newString changes, keeping every other byte of the file', () => {
    let checked = 0
    for (let seed = 1; seed <= 150; seed++) {
      const { rand, lines } = generator(seed)
      const file = `${lines.map((l) => l.text).join('\n')}\n`
      const from = Math.floor(rand() * (lines.length - 4))
      const block = lines.slice(from, from + 2 + Math.floor(rand() * 3))
      const target = block.findIndex((l) => !l.isFancy)
      if (target < 0) continue
      const common = block.map((l) => l.indent).reduce((a, b) => (a.length <= b.length ? a : b))
      const old = lookalike(
        block.map((l) => l.text),
        common,
      )
      const oldLines = old.split('\n')
      const id = `id${from + target}`
      oldLines[target] = oldLines[target]!.replace(id, `${id}changed`)
      const expected = file.replace(
        `${lines[from + target]!.text}\n`,
        `${lines[from + target]!.text.replace(id, `${id}changed`)}\n`,
      )
      const m = findTolerant(file, old, oldLines.join('\n'))
      if (old === block.map((l) => l.text).join('\n')) continue
      expect(m, `seed ${seed}`).not.toBeNull()
      expect(m && 'ambiguous' in m, `seed ${seed}`).toBe(false)
      const r = m as { start: number; end: number; newString: string }
      expect(file.slice(0, r.start) + r.newString + file.slice(r.end), `seed ${seed}`).toBe(expected)
      checked++
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('never applies to a block whose words differ', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const { rand, lines } = generator(seed)
      const file = `${lines.map((l) => l.text).join('\n')}\n`
      const from = Math.floor(rand() * (lines.length - 4))
      const block = lines.slice(from, from + 3).map((l) => l.text)
      block[1] = block[1]!.replace(/id\d+/, 'idX')
      expect(findTolerant(file, lookalike(block, ''), 'new'), `seed ${seed}`).toBeNull()
    }
  })
})

describe('findTolerant on random inputs', () => {
  it('never throws, and applies only to a region that reads like oldString, at linear cost', () => {
    let s = 99
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2147483648
      return s / 2147483648
    }
    const alphabet = [
      'a',
      'b',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r',
      '\u00a0',
      '“',
      '"',
      '’',
      "'",
      '—',
      '-',
      'e\u0301',
      'é',
      '\u200b',
    ]
    const word = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')
    let applied = 0
    for (let round = 0; round < 400; round++) {
      const text = word(Math.floor(rand() * 300))
      const old =
        rand() < 0.7 && text.length > 4
          ? loose(text.slice(Math.floor((rand() * text.length) / 2)).slice(0, 1 + Math.floor(rand() * 30)))
          : word(1 + Math.floor(rand() * 20))
      const before = searchWork.steps
      const m = findTolerant(text, old, `${old}!`)
      expect(searchWork.steps - before, `round ${round}`).toBeLessThanOrEqual(
        20 * (text.length + 2 * old.length) + 1000,
      )
      if (m && !('ambiguous' in m)) {
        applied++
        expect(loose(text.slice(m.start, m.end)), `round ${round}`).toBe(loose(old))
        expect(m.newString.endsWith('!'), `round ${round}`).toBe(true)
      }
    }
    expect(applied).toBeGreaterThan(20)
  })
})
