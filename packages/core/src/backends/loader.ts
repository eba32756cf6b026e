import { DuplicateBackend, UnknownBackend } from '../errors.js'
import { importExport, parseModuleSpecifier } from '../module-loader.js'
import { backendAlias } from './aliases.js'
import type { BackendDefinition } from './definition.js'

/** An `AUTHENTICATION_BACKENDS` entry. */
export type BackendEntry = BackendDefinition | (() => BackendDefinition) | string

/** True for objects shaped like a backend definition. */
export function isBackendDefinition(value: unknown): value is BackendDefinition {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<BackendDefinition>
  return (
    typeof candidate.name === 'string' &&
    candidate.name.length > 0 &&
    typeof candidate.start === 'function' &&
    typeof candidate.complete === 'function' &&
    typeof candidate.getUserDetails === 'function'
  )
}

const BACKEND_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/

async function loadEntry(entry: BackendEntry, baseUrl: string): Promise<BackendDefinition> {
  let value: unknown = entry
  let label =
    typeof entry === 'string' ? entry : typeof entry === 'function' ? entry.name : entry.name
  if (typeof entry === 'string') {
    const spec = backendAlias(entry) ?? (parseModuleSpecifier(entry) ? entry : undefined)
    if (!spec) throw new UnknownBackend(entry)
    try {
      value = await importExport(spec, baseUrl)
    } catch (cause) {
      throw new UnknownBackend(entry, { cause })
    }
    label = entry
  }
  // A factory stands for PSA's class: calling it with no arguments gives the default instance.
  if (typeof value === 'function') value = (value as () => unknown)()
  if (!isBackendDefinition(value)) throw new UnknownBackend(label || `an unnamed ${typeof entry}`)
  if (!BACKEND_NAME.test(value.name)) {
    throw new UnknownBackend(label, {
      cause: new Error(`backend name "${value.name}" must match ${BACKEND_NAME.source}`),
    })
  }
  return value
}

/**
 * Resolves `AUTHENTICATION_BACKENDS` to definitions keyed by name, in order. Unlike PSA (where
 * the later of two same-named classes silently wins) a duplicate name is a start-up error.
 */
export async function loadBackends(
  entries: readonly BackendEntry[],
  baseUrl: string,
): Promise<Map<string, BackendDefinition>> {
  const backends = new Map<string, BackendDefinition>()
  for (const entry of entries) {
    const definition = await loadEntry(entry, baseUrl)
    if (backends.has(definition.name)) throw new DuplicateBackend(definition.name)
    backends.set(definition.name, definition)
  }
  return backends
}
