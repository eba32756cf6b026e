import { ImproperlyConfigured } from '../errors.js'
import { isActionResponse, type ActionResponse } from '../responses.js'
import { SERVICE_KEYS, type ResolvedStep } from './context.js'

/**
 * How a run ended: every step ran, or one returned a response (a pause) at `index`. Both carry
 * the run's context, which after a `partialStep` pause holds the stored record as
 * `current_partial`.
 */
export type PipelineOutcome<C> =
  | { readonly kind: 'done'; readonly context: C }
  | {
      readonly kind: 'response'
      readonly response: ActionResponse
      readonly index: number
      readonly context: C
    }

/**
 * Runs steps in order from `startIndex` over one context (PSA `run_pipeline`): a returned
 * object is merged into the context, a response stops the run, nothing means "carry on".
 * An out-of-range start index restarts at 0, as in PSA.
 */
export async function runPipeline<C extends { pipeline_index: number }>(
  steps: readonly ResolvedStep<C>[],
  context: C,
  startIndex = 0,
): Promise<PipelineOutcome<C>> {
  const first =
    Number.isInteger(startIndex) && startIndex >= 0 && startIndex < steps.length ? startIndex : 0
  for (let index = first; index < steps.length; index++) {
    const step = steps[index]!
    context.pipeline_index = index
    const result: unknown = await step.run(context)
    if (result === undefined || result === null) continue
    if (isActionResponse(result)) return { kind: 'response', response: result, index, context }
    if (typeof result !== 'object' || Array.isArray(result)) {
      throw new ImproperlyConfigured(
        `Pipeline step "${step.name}" returned ${Array.isArray(result) ? 'an array' : typeof result}; return an object, a response or nothing`,
      )
    }
    for (const [key, value] of Object.entries(result)) {
      // Services are the engine's; a step replacing `storage` would escape the transaction.
      if (SERVICE_KEYS.has(key) || key === '__proto__') continue
      ;(context as Record<string, unknown>)[key] = value
    }
  }
  return { kind: 'done', context }
}
