import { redirectUri } from '../absolute-uri.js'
import type { BackendCall, BoundBackend } from '../backends/definition.js'
import type { Engine } from '../engine.js'
import { AuthPartialRefused } from '../errors.js'
import type { PipelineKind } from '../pipeline/context.js'
import { decidePartialResume, type PartialDecision } from '../pipeline/partial-resume.js'
import type { Strategy } from '../strategy.js'

/** What a backend gets for this request (its `start` or `complete`). */
export function backendCall(
  engine: Engine,
  strategy: Strategy,
  backend: BoundBackend,
  next?: string,
): BackendCall {
  return {
    backend,
    strategy,
    storage: engine.storage,
    settings: engine.settings,
    redirectUri: redirectUri(engine.settings, strategy, backend.name),
    data: strategy.requestData(),
    next,
    now: engine.now,
  }
}

/**
 * Whether this request resumes a paused `kind` pipeline. A refused token (another session's,
 * expired, or for another backend) fails with `ERR_AUTH_PARTIAL_REFUSED` rather than falling
 * through to a fresh run, so a stolen link can neither resume nor restart a flow.
 */
export async function partialDecision(
  engine: Engine,
  strategy: Strategy,
  backend: BoundBackend,
  kind: PipelineKind,
): Promise<Exclude<PartialDecision, { kind: 'halt' }>> {
  const decision = await decidePartialResume({
    strategy,
    storage: engine.storage,
    backend,
    settings: engine.settings,
    now: engine.now(),
    kind,
  })
  if (decision.kind === 'halt') throw new AuthPartialRefused({ backend: backend.name })
  return decision
}
