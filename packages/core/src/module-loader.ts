/**
 * Loads `module#export` specifiers (`'./steps.js#askForUsername'`, `'my-pkg#github'`). A
 * relative specifier is resolved against `baseUrl` (the app's working directory by default).
 */

/** The parts of a `module#export` specifier, or undefined when it has no `#`. */
export function parseModuleSpecifier(spec: string): { module: string; name: string } | undefined {
  const at = spec.lastIndexOf('#')
  if (at <= 0 || at === spec.length - 1) return undefined
  return { module: spec.slice(0, at), name: spec.slice(at + 1) }
}

/** The default base for relative specifiers: the process's working directory. */
export function defaultBaseUrl(): string {
  const cwd = (globalThis as { process?: { cwd?: () => string } }).process?.cwd?.() ?? '/'
  return `file://${cwd.endsWith('/') ? cwd : `${cwd}/`}`
}

/** Imports the module and returns the named export, or undefined when it is missing. */
export async function importExport(spec: string, baseUrl: string): Promise<unknown> {
  const parsed = parseModuleSpecifier(spec)
  if (!parsed) return undefined
  const target =
    parsed.module.startsWith('./') ||
    parsed.module.startsWith('../') ||
    parsed.module.startsWith('/')
      ? new URL(parsed.module, baseUrl).href
      : parsed.module
  const mod = (await import(target)) as Record<string, unknown>
  return mod[parsed.name]
}
