/**
 * `safe_link_by_email`: the guided alternative to `associate_by_email` (security.md §4.6).
 * A new identity whose email belongs to an existing account is linked automatically only when
 * the provider vouches for the email; otherwise the login pauses and the browser goes to the
 * sign-in page to sign in with the existing method, after which the paused identity is linked
 * to that account. Never a silent link on an unverified email (account pre-hijacking), and
 * never a duplicate account either.
 */
import { AuthLinkRefused, type LinkRefusalReason } from '../../errors.js'
import { appendQuery, isUrl } from '../../redirects.js'
import { redirect } from '../../responses.js'
import { partialStep } from '../partial.js'
import { raceWinner } from './social-auth.js'
import type { PipelineContext, StepResult } from '../context.js'

/** Session key naming the paused link: which backend, which partial, why. */
export const PENDING_LINK_SESSION_KEY = 'social_auth_pending_link'

/** What the session remembers of a paused link. */
export interface PendingLink {
  readonly backend: string
  readonly token: string
  readonly reason: LinkRefusalReason
}

const sameId = (a: unknown, b: unknown): boolean => String(a) === String(b)

/**
 * Links a new identity to the existing account with its email, safely.
 *
 * - provider-verified email (the backend is a verified-email authority): link at once;
 * - otherwise: emit `link.refused` with the reason, pause, and redirect to `LINK_ACCOUNT_URL`
 *   (default `LOGIN_URL`) with `?link=<backend>&reason=<reason>`; once the user has signed in
 *   with their existing method, the login resumes here and links to that account — or is
 *   refused (`account_mismatch`) if they signed in to another one.
 */
export const safeLinkByEmail = partialStep<PipelineContext>(
  async function safeLinkByEmail(ctx): Promise<StepResult> {
    if (ctx.user) return undefined
    const email = typeof ctx.details.email === 'string' ? ctx.details.email : ''
    if (email === '') return undefined
    const matches = await ctx.storage.user.getUsersByEmail(email)
    if (matches.length === 0) return undefined
    const raced = await raceWinner(ctx)
    if (raced) {
      if (ctx.current_user) ctx.strategy.session.pop(PENDING_LINK_SESSION_KEY)
      return raced
    }
    const backend = ctx.backend
    if (matches.length === 1 && backend.isEmailVerified(ctx.response, ctx.details)) {
      return { user: matches[0], is_new: false }
    }
    const reason: LinkRefusalReason = matches.length > 1 ? 'ambiguous_email' : 'email_not_verified'

    const current = ctx.current_user
    if (current) {
      // Resumed: the user has signed in. Link only to the account that owns this email.
      ctx.strategy.session.pop(PENDING_LINK_SESSION_KEY)
      if (!matches.some((match) => sameId(match.id, current.id))) {
        throw new AuthLinkRefused('account_mismatch', { backend: backend.name, uid: ctx.uid })
      }
      return { user: current, is_new: false }
    }

    ctx.emit('link.refused', { backend: backend.name, reason, uid: ctx.uid })
    const pending: PendingLink = {
      backend: backend.name,
      token: ctx.current_partial!.token,
      reason,
    }
    ctx.strategy.session.set(PENDING_LINK_SESSION_KEY, pending)
    const schemes = backend.setting<string[]>('ALLOWED_REDIRECT_SCHEMES')
    const configured = backend.setting<unknown>('LINK_ACCOUNT_URL')
    const target = isUrl(configured, schemes)
      ? configured
      : (backend.setting<string | undefined>('LOGIN_URL') ?? '/')
    return redirect(appendQuery(target, { link: backend.name, reason }))
  },
)
