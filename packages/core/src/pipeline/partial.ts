import { toJsonObject, toJsonValue } from '../json.js'
import { isActionResponse } from '../responses.js'
import { uuidHex } from '../random.js'
import type { JsonObject, PartialRecord, Storage } from '../storage/types.js'
import {
  SERVICE_KEYS,
  type PipelineContext,
  type PipelineServices,
  type PipelineStep,
} from './context.js'

/** Session key holding the token of this browser's paused pipeline (PSA's name). */
export const PARTIAL_TOKEN_SESSION_KEY = 'partial_pipeline_token'

/** Options of {@link partialStep} (PSA `partial_step`). */
export interface PartialStepOptions {
  /** Bind the pause to this browser session (default true). */
  readonly saveToSession?: boolean
  /** Allow resuming from another browser after an explicit confirmation (email links). */
  readonly allowExternalResume?: boolean
}

// Context keys that are services or per-run bookkeeping, never persisted in a partial.
const NOT_PERSISTED: ReadonlySet<string> = new Set([
  ...SERVICE_KEYS,
  'request',
  'pipeline_index',
  'current_partial',
  'current_user',
  'user_storage',
])

/**
 * Builds the record a pause stores (PSA `partial_prepare`): JSON values only, the user as its
 * id and the association as `{provider, uid}`, re-resolved on resume.
 */
export function preparePartial(
  ctx: PipelineServices & Record<string, unknown>,
  nextStep: number,
): PartialRecord {
  const kwargs: JsonObject = {}
  for (const [key, value] of Object.entries(ctx)) {
    if (NOT_PERSISTED.has(key) || key === 'user' || key === 'social') continue
    const json = toJsonValue(value)
    if (json !== undefined) kwargs[key] = json
  }
  const user = ctx.user as { id?: unknown } | null | undefined
  const social = ctx.social as { provider?: string; uid?: string } | null | undefined
  kwargs.user = user?.id === undefined ? null : (toJsonValue(user.id) ?? null)
  kwargs.social = social?.provider ? { provider: social.provider, uid: social.uid ?? '' } : null
  kwargs.response = toJsonObject((ctx.response as Record<string, unknown> | undefined) ?? {})
  kwargs.details = toJsonObject((ctx.details as Record<string, unknown> | undefined) ?? {})
  kwargs.is_new = Boolean(ctx.is_new)
  kwargs.new_association = Boolean(ctx.new_association)
  return {
    token: uuidHex(),
    backend: ctx.backend.name,
    next_step: nextStep,
    data: { args: [], kwargs, pipeline: ctx.pipelineKind ?? 'auth' },
    timestamp: new Date(ctx.now()),
  }
}

/** The context values a stored partial restores (PSA `partial_load`). */
export async function loadPartialKwargs(
  partial: PartialRecord,
  storage: Storage,
): Promise<Record<string, unknown>> {
  const kwargs: Record<string, unknown> = { ...partial.data.kwargs }
  const userId = kwargs.user
  kwargs.user =
    typeof userId === 'string' || typeof userId === 'number'
      ? await storage.user.getUserAnyState(userId)
      : null
  const social = kwargs.social as { provider?: unknown; uid?: unknown } | null
  kwargs.social =
    social && typeof social.provider === 'string' && typeof social.uid === 'string'
      ? await storage.user.getSocialAuth(social.provider, social.uid)
      : null
  return kwargs
}

/**
 * Marks a step as able to pause (PSA `@partial_step`). The step gets `current_partial`; when
 * it returns a response, the pipeline's state is stored and the step runs again on resume,
 * where it must find the data it asked for (in `request` or the session).
 *
 * @example
 * ```ts
 * export const chooseUsername = partialStep(async ({ request, is_new, current_partial }) => {
 *   if (!is_new || request.username) return request.username ? { username: request.username } : undefined
 *   return redirect(`/choose-username?partial_token=${current_partial!.token}`)
 * })
 * ```
 */
export function partialStep<
  // The default types a step written inline (its parameter not annotated) as a pipeline step.
  C extends PipelineServices & {
    current_partial?: PartialRecord
    [key: string]: unknown
  } = PipelineContext,
>(step: PipelineStep<C>, options: PartialStepOptions = {}): PipelineStep<C> {
  const { saveToSession = true, allowExternalResume = false } = options
  const wrapped: PipelineStep<C> = async (ctx) => {
    const index = ctx.pipeline_index as number
    // Built on first use: most runs of a partial step do not pause, and the record (a JSON
    // copy of the context and a token) is then never needed. Not enumerable, so building it
    // (which walks the context) never meets itself.
    let current: PartialRecord | undefined
    Object.defineProperty(ctx, 'current_partial', {
      configurable: true,
      enumerable: false,
      get: () => (current ??= preparePartial(ctx, index)),
      set: (value: PartialRecord) => {
        current = value
      },
    })
    let paused: PartialRecord | undefined
    try {
      const result = await step(ctx)
      if (!isActionResponse(result)) return result
      // Store what the step may have added to the context before it paused.
      const stored = preparePartial(ctx, index)
      const record: PartialRecord = {
        ...stored,
        token: current?.token ?? stored.token,
        data: { ...stored.data, allow_external_resume: allowExternalResume },
      }
      await ctx.storage.partial.store(record)
      if (saveToSession) ctx.strategy.session.set(PARTIAL_TOKEN_SESSION_KEY, record.token)
      ctx.emit('partial.paused', { backend: ctx.backend.name, step: record.next_step })
      paused = record
      return result
    } finally {
      delete ctx.current_partial
      // The action reports the pause (and its token) from the context the run ends with.
      if (paused) {
        Object.defineProperty(ctx, 'current_partial', {
          configurable: true,
          enumerable: false,
          value: paused,
        })
      }
    }
  }
  Object.defineProperty(wrapped, 'name', { value: step.name || 'partial' })
  return wrapped
}
