import type { PipelineStep } from '@social-auth/core'
import { confirmUsername } from './steps/confirm-username.js'
import { rememberSignIn } from './steps/remember-sign-in.js'

/**
 * The Osso guide's `SOCIAL_AUTH_PIPELINE`, PSA's dotted paths as written there, plus the
 * guided link (`safe_link_by_email`, where PSA's `associate_by_email` would go) and two steps
 * of this app: a partial step that lets a first-time user confirm a username, and a custom
 * step that remembers the last sign-in.
 */
export function examplePipeline(options: {
  confirmUsername: boolean
}): Array<string | PipelineStep> {
  return [
    'social_core.pipeline.social_auth.social_details',
    'social_core.pipeline.social_auth.social_uid',
    'social_core.pipeline.social_auth.auth_allowed',
    'social_core.pipeline.social_auth.social_user',
    'social_core.pipeline.user.get_username',
    // A new identity whose email belongs to an existing account is linked only when the
    // provider vouches for the email; otherwise the person is asked to sign in with their
    // existing method first (security.md §4.6: no account pre-hijacking, no duplicate account).
    'safe_link_by_email',
    ...(options.confirmUsername ? [confirmUsername as PipelineStep] : []),
    'social_core.pipeline.user.create_user',
    'social_core.pipeline.social_auth.associate_user',
    'social_core.pipeline.social_auth.load_extra_data',
    'social_core.pipeline.user.user_details',
    rememberSignIn,
  ]
}
