import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { errorCatalogue, type ErrorCatalogueEntry } from '../src/index.js'

const root = new URL('../../../', import.meta.url)
const packagesDir = new URL('packages/', root)

/** Rows of docs/errors.md whose first cell is a code: `| \`ERR_X\` | \`Class\` | 409 | … |`. */
function documentedCodes(): Map<string, { name: string; status: number }> {
  const rows = new Map<string, { name: string; status: number }>()
  for (const line of readFileSync(new URL('docs/errors.md', root), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    const code = /^`(ERR_[A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1]
    if (!code) continue
    const name = /^`([A-Za-z0-9]+)`$/.exec(cells[2] ?? '')?.[1] ?? cells[2] ?? ''
    if (rows.has(code)) throw new Error(`${code} is documented twice in docs/errors.md`)
    rows.set(code, { name, status: Number(cells[3]) })
  }
  return rows
}

/**
 * The catalogue after every workspace package has been loaded, so that codes other packages
 * register with `defineErrorCode` are included.
 */
async function fullCatalogue(): Promise<readonly ErrorCatalogueEntry[]> {
  for (const name of readdirSync(packagesDir)) {
    if (name === 'core' || !existsSync(new URL(`${name}/src/index.ts`, packagesDir))) continue
    await import(`@social-auth/${name}`)
  }
  return errorCatalogue()
}

describe('docs/errors.md', () => {
  it('documents every error code, with its class and HTTP status, and no code that no longer exists', async () => {
    const catalogue = await fullCatalogue()
    const documented = documentedCodes()
    const codes = catalogue.map((entry) => entry.code)
    expect(codes.filter((code) => !documented.has(code))).toEqual([])
    expect([...documented.keys()].filter((code) => !codes.includes(code))).toEqual([])
    for (const entry of catalogue) {
      expect({ code: entry.code, ...documented.get(entry.code) }).toEqual({
        code: entry.code,
        name: entry.name,
        status: entry.status,
      })
    }
  })
})
