/**
 * PSA's `social_core.pipeline.social_auth` steps: details, uid, whitelist, association lookup,
 * association creation, extra data, and the opt-in association by email.
 */
import { AuthAlreadyAssociated, AuthForbidden, AuthLinkRefused } from '../../errors.js'
import { socialAccount } from '../../events.js'
import type { PipelineContext, StepResult } from '../context.js'

const sameId = (a: unknown, b: unknown): boolean => String(a) === String(b)

/** Normalised details; values already in the context win (they matter on resume). */
export async function socialDetails(ctx: PipelineContext): Promise<StepResult> {
  return { details: { ...ctx.backend.getUserDetails(ctx.response), ...ctx.details } }
}

/** The account id as a string; a missing id fails with `ERR_AUTH_MISSING_UID`. */
export async function socialUid(ctx: PipelineContext): Promise<StepResult> {
  return { uid: ctx.backend.getUserId(ctx.details, ctx.response) }
}

/** Enforces `WHITELISTED_EMAILS` / `WHITELISTED_DOMAINS`. */
export async function authAllowed(ctx: PipelineContext): Promise<StepResult> {
  if (!ctx.backend.authAllowed(ctx.details)) throw new AuthForbidden({ backend: ctx.backend.name })
}

/** Looks the association up; refuses an account owned by another user. */
export async function socialUser(ctx: PipelineContext): Promise<StepResult> {
  const uid = ctx.uid ?? ''
  const social = await ctx.storage.user.getSocialAuth(ctx.backend.name, uid)
  let user = ctx.user
  if (social) {
    if (user && !sameId(social.user_id, user.id)) {
      throw new AuthAlreadyAssociated({ backend: ctx.backend.name })
    }
    if (!user) user = await ctx.storage.user.getUserAnyState(social.user_id)
  }
  return { social, user, is_new: user === null, new_association: social === null }
}

/**
 * For a new identity whose email matched an account: the association if a concurrent first
 * login of this same identity created it after {@link socialUser} looked (PostgreSQL's READ
 * COMMITTED shows the other login's committed user to our email lookup). The email match is
 * then that login's user, not someone else's account: converge on it, as `associate_user`
 * does, rather than refusing or pausing the login as a link.
 */
export async function raceWinner(ctx: PipelineContext): Promise<StepResult | undefined> {
  if (ctx.social) return undefined
  const found = await socialUser(ctx)
  if (!found || !('social' in found) || !found.social) return undefined
  // A resumed link (the user signed in meanwhile) converges only on their own account.
  const current = ctx.current_user
  if (current && !sameId((found.social as { user_id: unknown }).user_id, current.id))
    throw new AuthAlreadyAssociated({ backend: ctx.backend.name })
  return found
}

/** Links the account to the user, converging when a concurrent login linked it first. */
export async function associateUser(ctx: PipelineContext): Promise<StepResult> {
  const { user, uid } = ctx
  if (!user || ctx.social || uid === undefined) return undefined
  try {
    const social = await ctx.storage.user.createSocialAuth(user, uid, ctx.backend.name)
    ctx.emit('account.linked', { backend: ctx.backend.name, user, social: socialAccount(social) })
    return { social, user, new_association: true }
  } catch (err) {
    // A user created in this run cannot own the row another login inserted: let the whole
    // login roll back and run again, so it finds that row and logs in as its owner.
    if (!ctx.storage.isIntegrityError(err) || ctx.is_new) throw err
    const found = await socialUser(ctx)
    if (!found || !('social' in found) || !found.social) throw err
    return found
  }
}

/** Merges the backend's `extra_data` into the association. */
export async function loadExtraData(ctx: PipelineContext): Promise<StepResult> {
  const uid = ctx.uid ?? ''
  const social = ctx.social ?? (await ctx.storage.user.getSocialAuth(ctx.backend.name, uid))
  if (!social) return undefined
  const data = ctx.backend.extraData({
    user: ctx.user,
    uid,
    response: ctx.response,
    details: ctx.details,
    context: ctx,
    now: ctx.now(),
  })
  await ctx.storage.user.setExtraData(social, data)
  return undefined
}

/**
 * Logs an existing account in by email — only when the provider vouches for the email.
 * PSA links on any match, which lets anyone who registers the victim's email at a lax
 * provider take the account over; here an unverified match is refused with
 * `ERR_AUTH_LINK_REFUSED` (reason `email_not_verified`) and a `link.refused` event.
 */
export async function associateByEmail(ctx: PipelineContext): Promise<StepResult> {
  if (ctx.user) return undefined
  const email = ctx.details.email
  if (typeof email !== 'string' || email === '') return undefined
  const users = await ctx.storage.user.getUsersByEmail(email)
  if (users.length === 0) return undefined
  const raced = await raceWinner(ctx)
  if (raced) return raced
  const backend = ctx.backend.name
  if (users.length > 1) throw new AuthLinkRefused('ambiguous_email', { backend, uid: ctx.uid })
  if (!ctx.backend.isEmailVerified(ctx.response, ctx.details)) {
    throw new AuthLinkRefused('email_not_verified', { backend, uid: ctx.uid })
  }
  return { user: users[0], is_new: false }
}
