import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'
import { providersMarkdown } from './support/providers-doc.js'

const DOC = new URL('../../../docs/providers.md', import.meta.url)

describe('docs/providers.md', () => {
  it('lists every provider with its name, dotted path, settings, default scope and email rule, as generated', async () => {
    const generated = providersMarkdown()
    if (process.env.UPDATE_PROVIDERS_DOC) await writeFile(DOC, generated)
    const current = await readFile(DOC, 'utf8').catch(() => '')
    expect(current).toBe(generated)
  })
})
