/** PSA's `social_core.pipeline.disconnect` steps. */
import { NotAllowedToDisconnect } from '../../errors.js'
import { socialAccount } from '../../events.js'
import type { DisconnectContext, StepResult } from '../context.js'

/**
 * Refuses to remove the user's last way to log in, and asks the `disconnect` step to check
 * again, under the storage's lock, just before it deletes.
 */
export async function allowedToDisconnect(ctx: DisconnectContext): Promise<StepResult> {
  const allowed = await ctx.storage.user.allowedToDisconnect(ctx.user, ctx.name, ctx.association_id)
  if (!allowed) throw new NotAllowedToDisconnect({ backend: ctx.name })
  return { allowed_to_disconnect: true }
}

/** The associations to remove: all of this provider's, or the one with `association_id`. */
export async function getEntries(ctx: DisconnectContext): Promise<StepResult> {
  return {
    entries: await ctx.storage.user.getSocialAuthForUser(ctx.user, ctx.name, ctx.association_id),
  }
}

/**
 * Revokes the entries' tokens at the provider when `REVOKE_TOKENS_ON_DISCONNECT` is set. A
 * backend without revocation is skipped (PSA crashes when the backend is gone).
 */
export async function revokeTokens(ctx: DisconnectContext): Promise<StepResult> {
  if (!ctx.settings.get<boolean>('REVOKE_TOKENS_ON_DISCONNECT')) return undefined
  const definition = ctx.backend.definition
  if (!definition.revokeToken) return undefined
  for (const social of ctx.entries ?? []) {
    if (social.provider !== ctx.backend.name || !social.extra_data.access_token) continue
    await definition.revokeToken({ backend: ctx.backend, settings: ctx.settings, social })
  }
  return undefined
}

/**
 * Removes the entries, in one transaction. When `allowed_to_disconnect` ran, it first checks
 * again in that transaction, under the storage's lock on the user, that a way to log in
 * remains: two disconnects of one user (one per provider) would otherwise both pass that step
 * and leave none. The transaction is this step's, not the pipeline's, because `revoke_tokens`
 * calls the provider before it. A pipeline without `allowed_to_disconnect` (an app whose users
 * have ways to log in that the storage does not know) deletes without a check, as in PSA.
 */
export async function disconnect(ctx: DisconnectContext): Promise<StepResult> {
  const entries = ctx.entries ?? []
  if (entries.length === 0) return undefined
  const check = ctx.allowed_to_disconnect === true
  const removed = await ctx.storage.transaction(async (storage) => {
    const allowed =
      !check ||
      (await storage.user.allowedToDisconnect(ctx.user, ctx.name, ctx.association_id, {
        beforeDelete: true,
      }))
    if (!allowed) throw new NotAllowedToDisconnect({ backend: ctx.name })
    // Only the entries that are still this user's, read again under the lock, with the filter
    // the check used: a request submitted twice deletes (and announces) each row once, and a
    // resumed disconnect never removes more than its check allowed.
    const current = await storage.user.getSocialAuthForUser(ctx.user, ctx.name, ctx.association_id)
    const ids = new Set(current.map((social) => String(social.id)))
    const still = entries.filter((social) => ids.has(String(social.id)))
    for (const social of still) await storage.user.disconnect(social)
    return still
  })
  for (const social of removed) {
    ctx.emit('account.disconnected', {
      backend: ctx.name,
      user: ctx.user,
      social: socialAccount(social),
    })
  }
  return undefined
}
