import { MissingBackend } from './errors.js'
import type { BoundBackend } from './backends/definition.js'
import type { SocialAuthEmitter } from './events.js'
import type { DisconnectContext, PipelineContext, ResolvedStep } from './pipeline/context.js'
import type { SettingsResolver } from './settings/resolver.js'
import type { Storage } from './storage/types.js'

/** The resolved configuration the actions run on (built once by `createSocialAuth`). */
export interface Engine {
  readonly settings: SettingsResolver
  readonly storage: Storage
  readonly events: SocialAuthEmitter
  readonly backends: ReadonlyMap<string, BoundBackend>
  readonly authPipelines: ReadonlyMap<string, readonly ResolvedStep<PipelineContext>[]>
  readonly disconnectPipelines: ReadonlyMap<string, readonly ResolvedStep<DisconnectContext>[]>
  readonly now: () => number
}

/** The configured backend of that name; `ERR_MISSING_BACKEND` (HTTP 404) otherwise. */
export function getBackend(engine: Engine, name: string): BoundBackend {
  const backend = engine.backends.get(name)
  if (!backend) throw new MissingBackend(name)
  return backend
}
