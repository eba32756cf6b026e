import type { PipelineStep } from '@social-auth/core'
import { confirmUsername } from './steps/confirm-username.js'
import { rememberSignIn } from './steps/remember-sign-in.js'

/**
 * The Osso guide's `SOCIAL_AUTH_PIPELINE`, PSA's dotted paths as written there, plus two steps
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
    ...(options.confirmUsername ? [confirmUsername as PipelineStep] : []),
    'social_core.pipeline.user.create_user',
    'social_core.pipeline.social_auth.associate_user',
    'social_core.pipeline.social_auth.load_extra_data',
    'social_core.pipeline.user.user_details',
    rememberSignIn,
  ]
}
