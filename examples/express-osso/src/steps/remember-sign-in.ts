import type { PipelineContext, StepResult } from '@social-auth/core'

/**
 * A custom pipeline step (placed after `load_extra_data`): remembers on the linked account when
 * it was last used and, for Osso, through which identity provider, so the profile page can
 * show "last signed in via Okta". Steps are plain async functions of the context.
 *
 * @example
 * ```ts
 * SOCIAL_AUTH_PIPELINE: [...DEFAULT_STEPS, rememberSignIn]
 * ```
 */
export async function rememberSignIn(ctx: PipelineContext): Promise<StepResult> {
  if (!ctx.social) return undefined
  const idp = ctx.response.idp
  await ctx.storage.user.setExtraData(ctx.social, {
    last_login: new Date(ctx.now()).toISOString(),
    ...(typeof idp === 'string' && idp !== '' ? { idp } : {}),
  })
  return undefined
}
