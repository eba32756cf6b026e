import { absoluteUri } from '../absolute-uri.js'
import { getBackend, type Engine } from '../engine.js'
import { LoginRequired } from '../errors.js'
import type { DisconnectContext } from '../pipeline/context.js'
import { loadPartialKwargs } from '../pipeline/partial.js'
import { cleanPartialPipeline } from '../pipeline/partial-resume.js'
import { runPipeline } from '../pipeline/runner.js'
import { redirect, type ActionResponse } from '../responses.js'
import type { User, UserId } from '../storage/types.js'
import type { Strategy } from '../strategy.js'
import { partialDecision } from './call.js'
import { errorResponse, type ErrorMode } from './errors.js'
import { finalRedirect, sanitizeNext, settingUrl } from './urls.js'

/** Options of `disconnect`. */
export interface DisconnectOptions {
  /** The logged-in user; disconnecting needs one. */
  readonly user: User | null | undefined
  /** Only this association (`/disconnect/:backend/:associationId`). */
  readonly associationId?: UserId | undefined
  readonly onError?: ErrorMode
}

/**
 * Unlinks accounts (PSA `do_disconnect`): runs the disconnect pipeline, then redirects to
 * `next`, `DISCONNECT_REDIRECT_URL` or `LOGIN_REDIRECT_URL`. A paused disconnect resumes at
 * the step that paused (PSA restarts at step 0).
 */
export async function disconnect(
  engine: Engine,
  strategy: Strategy,
  backendName: string,
  options: DisconnectOptions,
): Promise<ActionResponse> {
  try {
    const backend = getBackend(engine, backendName)
    if (!options.user) throw new LoginRequired({ backend: backend.name })
    const user = options.user
    const decision = await partialDecision(engine, strategy, backend, 'disconnect')
    if (decision.kind === 'response') return decision.response

    let initial: Record<string, unknown> = { association_id: options.associationId }
    let start = 0
    if (decision.kind === 'resume') {
      const kwargs = await loadPartialKwargs(decision.partial, engine.storage)
      initial = {
        ...kwargs,
        association_id: kwargs.association_id ?? options.associationId,
        request: decision.request,
      }
      start = decision.partial.next_step
      engine.events.emit('partial.resumed', { backend: backend.name, step: start })
    }
    const steps = engine.disconnectPipelines.get(backend.name)!
    // Outside a transaction: `revoke_tokens` calls the provider, and a transaction open across
    // that call would hold the database for as long as the provider takes (on SQLite, its write
    // lock and the process's one connection: every other request would wait). The `disconnect`
    // step checks again and deletes in a transaction of its own.
    const context: DisconnectContext = {
      request: strategy.requestData(),
      ...initial,
      user,
      name: backend.name,
      pipeline_index: start,
      pipelineKind: 'disconnect',
      strategy,
      backend,
      settings: engine.settings,
      now: engine.now,
      storage: engine.storage,
      emit: (name, payload) => engine.events.emit(name, payload),
      user_storage: engine.storage.user,
    }
    const outcome = await runPipeline(steps, context, start)
    if (decision.kind === 'resume')
      await cleanPartialPipeline(strategy, engine.storage, decision.token)
    if (outcome.kind === 'response') return outcome.response

    const next = sanitizeNext(backend, strategy, strategy.requestData().next)
    const url = settingUrl(backend, next, 'DISCONNECT_REDIRECT_URL', 'LOGIN_REDIRECT_URL') ?? '/'
    // Web URLs are made absolute; an app's private-use scheme (a mobile deep link) is kept.
    const target =
      /^https?:\/\//i.test(url) || url.startsWith('/')
        ? absoluteUri(engine.settings, strategy, url)
        : url
    return redirect(
      finalRedirect(backend, strategy, target, 'DISCONNECT_REDIRECT_URL', 'LOGIN_REDIRECT_URL'),
    )
  } catch (err) {
    return errorResponse(engine, backendName, err, options.onError ?? 'redirect')
  }
}
