import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { knownSettings } from '../src/index.js'

describe('packages/core/README.md', () => {
  it('lists every setting core knows, with its default, and no other', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const rows = new Map<string, string>()
    for (const line of readme.split('\n')) {
      const cells = line.split(' | ').map((cell) => cell.trim())
      const name = /^\| `([A-Z_]+)`$/.exec(cells[0] ?? '')?.[1]
      if (name) rows.set(name, cells[2] ?? '')
    }
    const expected = new Map(
      [...knownSettings()].map(([name, spec]) => [
        name,
        spec.default === undefined ? '—' : `\`${JSON.stringify(spec.default)}\``,
      ]),
    )
    expect(new Map([...rows].sort())).toEqual(new Map([...expected].sort()))
  })
})
