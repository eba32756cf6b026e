import { AuthUserConflict } from '../errors.js'
import type { Engine } from '../engine.js'
import type { SocialAuthEventName, SocialAuthEvents } from '../events.js'
import type { PipelineServices, ResolvedStep } from '../pipeline/context.js'
import { deferExtraDataWrites } from '../pipeline/deferred-extra-data.js'
import { runPipeline, type PipelineOutcome } from '../pipeline/runner.js'
import type { Storage } from '../storage/types.js'

// A lost race (unique violation) is retried in a fresh transaction, which then sees the
// winner's rows: the same account logs in as the user the other login created, and a taken
// username gets a suffix. Three attempts cover any realistic interleaving.
const ATTEMPTS = 3

type QueuedEvent = { [K in SocialAuthEventName]: [K, SocialAuthEvents[K]] }[SocialAuthEventName]

/**
 * Runs a pipeline inside one storage transaction. Events the steps emit are delivered only
 * once the transaction has committed, so listeners never hear of rows that were rolled back.
 */
export async function runInTransaction<C extends PipelineServices & { pipeline_index: number }>(
  engine: Engine,
  steps: readonly ResolvedStep<C>[],
  makeContext: (services: Pick<PipelineServices, 'storage' | 'emit'>) => C,
  startIndex: number,
): Promise<PipelineOutcome<C>> {
  for (let attempt = 1; ; attempt++) {
    const queued: QueuedEvent[] = []
    const emit = <K extends SocialAuthEventName>(name: K, payload: SocialAuthEvents[K]): void => {
      queued.push([name, payload] as QueuedEvent)
    }
    try {
      const outcome = await engine.storage.transaction(async (storage: Storage) => {
        // Each association's extra_data is written once, when the pipeline stops (completed
        // or paused), however many steps set values in it.
        const deferred = deferExtraDataWrites(storage)
        const result = await runPipeline(
          steps,
          makeContext({ storage: deferred.storage, emit }),
          startIndex,
        )
        await deferred.flush()
        return result
      })
      for (const [name, payload] of queued) engine.events.emit(name, payload)
      return outcome
    } catch (err) {
      if (!engine.storage.isIntegrityError(err)) throw err
      if (attempt >= ATTEMPTS) throw new AuthUserConflict({ cause: err })
    }
  }
}
