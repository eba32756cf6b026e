import type { Engine } from '../engine.js'
import { AuthLinkRefused, SocialAuthError } from '../errors.js'
import { appendQuery, isUrl } from '../redirects.js'
import { withSafeCause } from '../safe-cause.js'
import { redirect, type ActionResponse } from '../responses.js'

/** How an action reports a coded error: a redirect to the error URL, or a throw (JSON APIs). */
export type ErrorMode = 'redirect' | 'throw'

/**
 * Turns a coded error into a redirect to `LOGIN_ERROR_URL` (then `LOGIN_URL`) carrying
 * `?error=<code>&backend=<name>`. The message is not put in the URL: provider text is not
 * ours to show. Errors that are not coded (bugs, a database down) propagate unchanged.
 */
export function errorResponse(
  engine: Engine,
  backendName: string | undefined,
  err: unknown,
  mode: ErrorMode,
): ActionResponse {
  if (!(err instanceof SocialAuthError)) throw err
  const backend = err.backend ?? backendName
  if (err instanceof AuthLinkRefused) {
    engine.events.emit('link.refused', { backend: backend ?? '', reason: err.reason, uid: err.uid })
  }
  // Listeners forward events to logs and analytics: the error goes without its data bags.
  engine.events.emit('auth.failed', { backend, error: withSafeCause(err) })
  const known = backend !== undefined && engine.backends.has(backend) ? backend : undefined
  const setting = <T>(name: string): T =>
    engine.settings.get<T>(name, known ? { backend: known } : {})
  if (mode === 'throw' || setting<boolean>('RAISE_EXCEPTIONS')) throw err
  const schemes = setting<string[]>('ALLOWED_REDIRECT_SCHEMES')
  const url = [setting<unknown>('LOGIN_ERROR_URL'), setting<unknown>('LOGIN_URL')].find(
    (value): value is string => isUrl(value, schemes),
  )
  if (!url) throw err
  return redirect(
    appendQuery(url, known ? { error: err.code, backend: known } : { error: err.code }),
  )
}
