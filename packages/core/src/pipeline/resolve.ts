import { UnknownPipelineStep } from '../errors.js'
import { importExport, parseModuleSpecifier } from '../module-loader.js'
import { BUILTIN_STEPS, PSA_STEP_MODULES } from './defaults.js'
import type { PipelineStep, ResolvedStep } from './context.js'

/** A pipeline entry: a function, a built-in name, a PSA dotted path, or `module#export`. */
export type StepEntry<C> = PipelineStep<C> | string

const PSA_PREFIX = 'social_core.pipeline.'

/** The built-in for a bare name or a PSA dotted path whose module matches. */
function builtinStep(entry: string): { name: string; run: PipelineStep<never> } | undefined {
  let name = entry
  if (entry.startsWith(PSA_PREFIX)) {
    const [module, step, ...rest] = entry.slice(PSA_PREFIX.length).split('.')
    if (rest.length > 0 || !step || PSA_STEP_MODULES.get(step) !== module) return undefined
    name = step
  }
  const run = BUILTIN_STEPS.get(name)
  return run ? { name, run } : undefined
}

/**
 * Resolves every entry of a pipeline, failing with `ERR_UNKNOWN_PIPELINE_STEP` naming the
 * first one that is neither a function, a built-in, nor a loadable `module#export` function.
 */
export async function resolvePipeline<C>(
  entries: readonly StepEntry<C>[],
  pipelineName: string,
  baseUrl: string,
): Promise<ResolvedStep<C>[]> {
  const steps: ResolvedStep<C>[] = []
  for (const entry of entries) {
    if (typeof entry === 'function') {
      steps.push({ name: entry.name || 'anonymous', run: entry })
      continue
    }
    if (typeof entry !== 'string') throw new UnknownPipelineStep(String(entry), pipelineName)
    const builtin = builtinStep(entry)
    if (builtin) {
      steps.push({ name: builtin.name, run: builtin.run as PipelineStep<C> })
      continue
    }
    if (!parseModuleSpecifier(entry)) throw new UnknownPipelineStep(entry, pipelineName)
    let loaded: unknown
    try {
      loaded = await importExport(entry, baseUrl)
    } catch (cause) {
      throw new UnknownPipelineStep(entry, pipelineName, { cause })
    }
    if (typeof loaded !== 'function') throw new UnknownPipelineStep(entry, pipelineName)
    steps.push({ name: entry, run: loaded as PipelineStep<C> })
  }
  return steps
}
