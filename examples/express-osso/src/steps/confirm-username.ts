import {
  cleanUsername,
  partialStep,
  redirect,
  type PipelineContext,
  type StepResult,
} from '@social-auth/core'

/** Where the confirmation form lives (an app route, rendered by `pages/confirm-username.ts`). */
export const CONFIRM_USERNAME_PATH = '/confirm-username'

const USERNAME = /^[A-Za-z0-9_.@+-]{3,30}$/

/** Why a chosen username was refused, shown on the form. */
export type UsernameProblem = 'invalid' | 'taken'

async function problemWith(
  ctx: PipelineContext,
  username: string,
): Promise<UsernameProblem | undefined> {
  if (!USERNAME.test(username) || cleanUsername(username) !== username) return 'invalid'
  if (await ctx.storage.user.userExists({ username })) return 'taken'
  return undefined
}

/** A free suggestion: the email's local part when it is free, else what `get_username` chose. */
async function suggestion(ctx: PipelineContext): Promise<string> {
  const email = typeof ctx.details.email === 'string' ? ctx.details.email : ''
  const local = cleanUsername(email.split('@')[0] ?? '').slice(0, 30)
  if (local && (await problemWith(ctx, local)) === undefined) return local
  return typeof ctx.username === 'string' ? ctx.username : ''
}

/**
 * A partial step (PSA's `@partial`), placed after `get_username`: a first-time user confirms
 * or changes their username before the account is created. The pipeline pauses on a redirect
 * to the form; the form posts to `/resume/<backend>` (CSRF-checked) and this step runs again,
 * now with `username` in the request. Returning users pass straight through.
 *
 * @example
 * ```ts
 * SOCIAL_AUTH_PIPELINE: [..., 'get_username', confirmUsername, 'create_user', ...]
 * ```
 */
export const confirmUsername = partialStep<PipelineContext>(async (ctx): Promise<StepResult> => {
  if (ctx.user) return undefined
  const token = ctx.current_partial!.token
  const chosen = ctx.request.username
  // Only the resume form's POST may choose: a link cannot pick someone's username for them.
  if (ctx.strategy.requestMethod() === 'POST' && typeof chosen === 'string') {
    const username = chosen.trim()
    const problem = await problemWith(ctx, username)
    if (problem === undefined) return { username }
    ctx.suggested_username = username
    return redirect(`${CONFIRM_USERNAME_PATH}?partial_token=${token}&problem=${problem}`)
  }
  ctx.suggested_username = await suggestion(ctx)
  return redirect(`${CONFIRM_USERNAME_PATH}?partial_token=${token}`)
})
