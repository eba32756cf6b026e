import { safeLinkByEmail } from './steps/safe-link.js'
import type { DisconnectContext, PipelineStep } from './context.js'
import { allowedToDisconnect, disconnect, getEntries, revokeTokens } from './steps/disconnect.js'
import { mailValidation } from './steps/mail.js'
import {
  associateByEmail,
  associateUser,
  authAllowed,
  loadExtraData,
  socialDetails,
  socialUid,
  socialUser,
} from './steps/social-auth.js'
import { createUser, getUsername, userDetails } from './steps/user.js'

/** PSA's default auth pipeline, in order. */
export const DEFAULT_AUTH_PIPELINE: readonly PipelineStep[] = [
  socialDetails, // provider answer → normalised details
  socialUid, // the account id at the provider
  authAllowed, // email and domain whitelists
  socialUser, // an existing association logs its user in
  getUsername, // a free username for a new user
  // mailValidation, // opt-in: verify the email address by mail
  // associateByEmail, // opt-in: link to an existing user with a provider-verified email
  // safeLinkByEmail, // opt-in: the same, asking an unverified match to sign in first
  createUser, // create the user unless one is known by now
  associateUser, // link (provider, uid) to the user
  loadExtraData, // keep tokens and declared response fields
  userDetails, // refresh unprotected profile fields
]

/** PSA's default disconnect pipeline, in order. */
export const DEFAULT_DISCONNECT_PIPELINE: readonly PipelineStep<DisconnectContext>[] = [
  allowedToDisconnect, // never remove the last way to log in
  getEntries, // the associations to remove
  revokeTokens, // optional: revoke tokens at the provider
  disconnect, // delete the associations
]

/** Built-in auth step names → functions (names as in PSA, and as in `SOCIAL_AUTH_PIPELINE`). */
export const AUTH_STEPS: ReadonlyMap<string, PipelineStep> = new Map<string, PipelineStep>([
  ['social_details', socialDetails],
  ['social_uid', socialUid],
  ['auth_allowed', authAllowed],
  ['social_user', socialUser],
  ['get_username', getUsername],
  ['associate_by_email', associateByEmail],
  ['safe_link_by_email', safeLinkByEmail],
  ['mail_validation', mailValidation],
  ['create_user', createUser],
  ['associate_user', associateUser],
  ['load_extra_data', loadExtraData],
  ['user_details', userDetails],
])

/** Built-in disconnect step names → functions (as in `SOCIAL_AUTH_DISCONNECT_PIPELINE`). */
export const DISCONNECT_STEPS: ReadonlyMap<string, PipelineStep<DisconnectContext>> = new Map<
  string,
  PipelineStep<DisconnectContext>
>([
  ['allowed_to_disconnect', allowedToDisconnect],
  ['get_entries', getEntries],
  ['revoke_tokens', revokeTokens],
  ['disconnect', disconnect],
])

/** PSA module of each built-in step, for `social_core.pipeline.<module>.<step>` paths. */
export const PSA_STEP_MODULES: ReadonlyMap<string, string> = new Map([
  ['social_details', 'social_auth'],
  ['social_uid', 'social_auth'],
  ['auth_allowed', 'social_auth'],
  ['social_user', 'social_auth'],
  ['associate_by_email', 'social_auth'],
  ['associate_user', 'social_auth'],
  ['load_extra_data', 'social_auth'],
  ['get_username', 'user'],
  ['create_user', 'user'],
  ['user_details', 'user'],
  ['mail_validation', 'mail'],
  ['allowed_to_disconnect', 'disconnect'],
  ['get_entries', 'disconnect'],
  ['revoke_tokens', 'disconnect'],
  ['disconnect', 'disconnect'],
])
