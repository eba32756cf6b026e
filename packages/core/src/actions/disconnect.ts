import { absoluteUri } from '../absolute-uri.js'
import { getBackend, type Engine } from '../engine.js'
import { LoginRequired } from '../errors.js'
import type { DisconnectContext, PipelineServices } from '../pipeline/context.js'
import { loadPartialKwargs } from '../pipeline/partial.js'
import { cleanPartialPipeline } from '../pipeline/partial-resume.js'
import { runPipeline } from '../pipeline/runner.js'
import { disconnect as disconnectStep } from '../pipeline/steps/disconnect.js'
import { redirect, type ActionResponse } from '../responses.js'
import { overlay } from '../storage/overlay.js'
import type { Storage, User, UserId } from '../storage/types.js'
import type { Strategy } from '../strategy.js'
import { partialDecision } from './call.js'
import { errorResponse, type ErrorMode } from './errors.js'
import { runInTransaction } from './run-in-transaction.js'
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
 * A storage already in a transaction, whose `transaction()` joins it: a step that opens one (the
 * built-in `disconnect`, called by an app's own step) neither waits for the transaction it runs
 * in nor nests a savepoint.
 */
function joining(storage: Storage): Storage {
  const joined: Storage = overlay(storage, { transaction: (work) => work(joined) })
  return joined
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
    const makeContext = (
      services: Pick<PipelineServices, 'storage' | 'emit'>,
    ): DisconnectContext => ({
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
      ...services,
      user_storage: services.storage.user,
    })
    // With the built-in `disconnect` step, outside a transaction: `revoke_tokens` calls the
    // provider, and a transaction open across that call would hold the database for as long as
    // the provider takes (on SQLite, its write lock and the process's one connection: every
    // other request would wait); that step checks again and deletes in a transaction of its
    // own. A pipeline that deletes in a step of its own runs in one transaction, as a login
    // does, so that its check and its deletes stay together.
    const outcome = steps.some((step) => step.run === disconnectStep)
      ? await runPipeline(
          steps,
          makeContext({
            storage: engine.storage,
            emit: (name, payload) => engine.events.emit(name, payload),
          }),
          start,
        )
      : await runInTransaction(
          engine,
          steps,
          (services) => makeContext({ ...services, storage: joining(services.storage) }),
          start,
        )
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
