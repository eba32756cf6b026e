import type { BoundBackend } from '../backends/definition.js'
import { ImproperlyConfigured } from '../errors.js'
import type { SettingsResolver } from '../settings/resolver.js'
import type { DisconnectContext, PipelineContext, ResolvedStep } from './context.js'
import { DEFAULT_AUTH_PIPELINE, DEFAULT_DISCONNECT_PIPELINE } from './defaults.js'
import { resolvePipeline, type PipelineKind, type StepEntry } from './resolve.js'
import { mailValidation } from './steps/mail.js'

/** A backend's two pipelines, resolved. */
export interface BackendPipelines {
  readonly auth: ResolvedStep<PipelineContext>[]
  readonly disconnect: ResolvedStep<DisconnectContext>[]
}

async function configured<C>(
  settings: SettingsResolver,
  setting: 'PIPELINE' | 'DISCONNECT_PIPELINE',
  kind: PipelineKind,
  defaults: readonly StepEntry<C>[],
  baseUrl: string,
  backend?: string,
): Promise<ResolvedStep<C>[]> {
  const entries = settings.get<StepEntry<C>[] | undefined>(
    setting,
    backend === undefined ? {} : { backend },
  )
  // Errors name the setting the app wrote (SOCIAL_AUTH_OSSO_PIPELINE), not a generic one.
  const source = settings.sourceOf(setting, backend)
  return resolvePipeline(
    entries ?? defaults,
    kind,
    source ?? `the default ${kind} pipeline`,
    baseUrl,
  )
}

/**
 * Checks the global `SOCIAL_AUTH_PIPELINE` / `SOCIAL_AUTH_DISCONNECT_PIPELINE` even when no
 * backend uses them (no backends yet, or every backend has its own), so a typo never waits.
 */
export async function checkGlobalPipelines(
  settings: SettingsResolver,
  baseUrl: string,
): Promise<void> {
  await configured<PipelineContext>(settings, 'PIPELINE', 'auth', DEFAULT_AUTH_PIPELINE, baseUrl)
  await configured<DisconnectContext>(
    settings,
    'DISCONNECT_PIPELINE',
    'disconnect',
    DEFAULT_DISCONNECT_PIPELINE,
    baseUrl,
  )
}

/**
 * `mail_validation` that will mail needs `EMAIL_VALIDATION_FUNCTION` and `EMAIL_VALIDATION_URL`.
 * PSA finds out at the first sign-up; we refuse to start.
 */
function checkMailValidation(
  settings: SettingsResolver,
  backend: BoundBackend,
  steps: readonly ResolvedStep<PipelineContext>[],
): void {
  if (!steps.some((step) => step.run === mailValidation)) return
  if (!backend.requiresEmailValidation && !backend.setting<boolean>('FORCE_EMAIL_VALIDATION'))
    return
  for (const name of ['EMAIL_VALIDATION_FUNCTION', 'EMAIL_VALIDATION_URL']) {
    if (settings.get<unknown>(name) === undefined || settings.get<unknown>(name) === null) {
      throw new ImproperlyConfigured(
        `mail_validation runs for backend "${backend.name}" but ${name} is not set`,
        {
          backend: backend.name,
        },
      )
    }
  }
}

/** Resolves a backend's auth and disconnect pipelines (`SOCIAL_AUTH_<BACKEND>_PIPELINE` first). */
export async function resolveBackendPipelines(
  settings: SettingsResolver,
  backend: BoundBackend,
  baseUrl: string,
): Promise<BackendPipelines> {
  const auth = await configured<PipelineContext>(
    settings,
    'PIPELINE',
    'auth',
    DEFAULT_AUTH_PIPELINE,
    baseUrl,
    backend.name,
  )
  checkMailValidation(settings, backend, auth)
  const disconnect = await configured<DisconnectContext>(
    settings,
    'DISCONNECT_PIPELINE',
    'disconnect',
    DEFAULT_DISCONNECT_PIPELINE,
    baseUrl,
    backend.name,
  )
  return { auth, disconnect }
}
