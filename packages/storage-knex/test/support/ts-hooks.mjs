// Module hooks that let a plain `node` child process run this repo's TypeScript sources, the
// way jest's moduleNameMapper does: `@social-auth/<pkg>` → packages/<pkg>/src/index.ts, `.js`
// specifiers → the `.ts` file beside them, and `.ts` files transpiled by TypeScript itself.
// Used by tests that need other processes (SQLite writers, the knex CLI); no build needed.
// Transpiled output is cached under the OS temp directory, keyed by path, size and mtime, so
// the processes a test starts do not each load TypeScript and transpile the same files.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { readFile, stat, writeFile, rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const cacheDir = join(tmpdir(), 'social-auth-ts-hooks-v1')
mkdirSync(cacheDir, { recursive: true })
let typescript

const root = new URL('../../../../', import.meta.url)

function workspaceEntry(specifier) {
  const match = /^@social-auth\/([a-z-]+)(\/testing)?$/.exec(specifier)
  if (!match) return undefined
  const base = match[1] === 'migrations' ? 'migrations/src/' : `packages/${match[1]}/src/`
  return new URL(`${base}${match[2] ? 'testing/index.ts' : 'index.ts'}`, root)
}

export async function resolve(specifier, context, nextResolve) {
  const entry = workspaceEntry(specifier)
  if (entry) return { url: entry.href, shortCircuit: true }
  if (
    specifier.endsWith('.js') &&
    context.parentURL?.endsWith('.ts') &&
    /^(\.{1,2}\/|file:|\/)/.test(specifier)
  ) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL)
    if (existsSync(candidate)) return { url: candidate.href, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context)
  const info = await stat(new URL(url))
  const key = createHash('sha256').update(`${url}\0${info.size}\0${info.mtimeMs}`).digest('hex')
  const cached = join(cacheDir, `${key}.mjs`)
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true }
  } catch {
    // Not cached yet.
  }
  typescript ??= (await import('typescript')).default
  const ts = typescript
  const source = await readFile(new URL(url), 'utf8')
  const output = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  })
  // Write then rename, so a concurrent reader never sees half a file.
  const partial = `${cached}.${process.pid}.tmp`
  await writeFile(partial, output.outputText)
  await rename(partial, cached)
  return { format: 'module', source: output.outputText, shortCircuit: true }
}
