import type { SocialAuthError } from '../errors.js'
import type { ActionResponse } from '../responses.js'
import type { User, UserSocialAuth } from '../storage/types.js'

/** What a pipeline that ran to its end established (PSA's `is_new` and `new_association`). */
export interface CompletedPipeline {
  /** The pipeline's user: the one logged in, or the signed-in user the account is linked to. */
  readonly user: User
  /** The association the pipeline ended with (null when no step created or found one). */
  readonly social: UserSocialAuth | null
  /** True when this run created the user (PSA `is_new`). */
  readonly isNew: boolean
  /**
   * True when this run created `social` (PSA `new_association`); false when the account was
   * linked already, to this user, before the run.
   */
  readonly newAssociation: boolean
}

/**
 * What `complete` did, besides the response to send:
 *
 * - `login`: the pipeline ran to its end and `login` was called with its user.
 * - `link`: someone was signed in already (`options.user`) and the pipeline ran to its end for
 *   them: no one new was logged in, and `social` is linked to them (`newAssociation` says
 *   whether it is new).
 * - `inactive`: the pipeline ran to its end but its user is inactive and was not logged in.
 * - `paused`: a step returned a response (its page); nobody was logged in. `partialToken` is
 *   the stored partial's token (a `partialStep`), undefined when the step stored nothing and
 *   the flow cannot resume. The token is a secret of this browser: do not log it.
 * - `confirm-resume`: the page asking the user to confirm resuming a partial opened from
 *   another browser (`allowExternalResume`).
 * - `failed`: a coded error turned into a redirect to `LOGIN_ERROR_URL` (with
 *   `onError: 'throw'` it is thrown instead).
 */
export type CompleteOutcome =
  | ({ readonly kind: 'login' } & CompletedPipeline)
  | ({ readonly kind: 'link' } & CompletedPipeline)
  | ({ readonly kind: 'inactive' } & CompletedPipeline)
  | {
      readonly kind: 'paused'
      /** The index of the step that paused, in this backend's pipeline. */
      readonly step: number
      /** The name it was configured under (`mail_validation`, a function's name, …). */
      readonly stepName: string
      readonly partialToken: string | undefined
    }
  | { readonly kind: 'confirm-resume' }
  | { readonly kind: 'failed'; readonly error: SocialAuthError }

/**
 * What `complete` returns: the response for the framework to send, and its `outcome`.
 *
 * @example
 * ```ts
 * const response = await social.complete(strategy, 'osso', { user: req.user ?? null, login })
 * if (response.outcome.kind === 'link' && response.outcome.newAssociation) notifyLinked(req.user)
 * ```
 */
export type CompleteResponse = ActionResponse & { readonly outcome: CompleteOutcome }

/** The response with its outcome; the response itself is left as it was. */
export function withOutcome(response: ActionResponse, outcome: CompleteOutcome): CompleteResponse {
  return { ...response, outcome }
}
