import { UnknownPipelineStep } from '../errors.js'
import { importExport, parseModuleSpecifier } from '../module-loader.js'
import { AUTH_STEPS, DISCONNECT_STEPS, PSA_STEP_MODULES } from './defaults.js'
import type { PipelineKind, PipelineStep, ResolvedStep } from './context.js'

/** A pipeline entry: a function, a built-in name, a PSA dotted path, or `module#export`. */
export type StepEntry<C> = PipelineStep<C> | string

const PSA_PREFIX = 'social_core.pipeline.'

export type { PipelineKind }

/**
 * The built-in for a bare name or a PSA dotted path whose module matches. Auth steps are not
 * found in a disconnect pipeline and vice versa: they read context the other pipeline never
 * has, so such an entry is a configuration mistake to report at start-up.
 */
function builtinStep(
  entry: string,
  kind: PipelineKind,
): { name: string; run: PipelineStep<never> } | undefined {
  let name = entry
  if (entry.startsWith(PSA_PREFIX)) {
    const [module, step, ...rest] = entry.slice(PSA_PREFIX.length).split('.')
    if (rest.length > 0 || !step || PSA_STEP_MODULES.get(step) !== module) return undefined
    name = step
  }
  const run = kind === 'auth' ? AUTH_STEPS.get(name) : DISCONNECT_STEPS.get(name)
  return run ? { name, run } : undefined
}

/**
 * Resolves every entry of a pipeline, failing with `ERR_UNKNOWN_PIPELINE_STEP` naming the
 * first one that is neither a function, a built-in, nor a loadable `module#export` function.
 */
export async function resolvePipeline<C>(
  entries: readonly StepEntry<C>[],
  kind: PipelineKind,
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
    const builtin = builtinStep(entry, kind)
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
