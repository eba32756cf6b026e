import { getBackend, type Engine } from '../engine.js'
import type { ActionResponse } from '../responses.js'
import type { Strategy } from '../strategy.js'
import { backendCall } from './call.js'
import { sanitizeNext, settingUrl } from './urls.js'

/**
 * Starts a login (PSA `do_auth`): stores `FIELDS_STORED_IN_SESSION` and the sanitised `next`,
 * then lets the backend send the browser to the provider. Frameworks must call it only for
 * a CSRF-checked POST (a GET renders an auto-submitting form instead).
 */
export async function begin(
  engine: Engine,
  strategy: Strategy,
  backendName: string,
): Promise<ActionResponse> {
  const backend = getBackend(engine, backendName)
  const data = strategy.requestData(false)
  const session = strategy.session
  for (const field of backend.setting<string[]>('FIELDS_STORED_IN_SESSION')) {
    session.set(field, data[field] ?? null)
  }
  let next: string | undefined
  if ('next' in data) {
    next = sanitizeNext(backend, strategy, data.next) ?? settingUrl(backend, 'LOGIN_REDIRECT_URL')
    if (next !== undefined) session.set('next', next)
  }
  engine.events.emit('auth.started', { backend: backend.name })
  return backend.definition.start(backendCall(engine, strategy, backend, next))
}
