/** What a person reads for an error code in `?error=` (the codes are in docs/errors.md). */
const MESSAGES: Record<string, string> = {
  ERR_AUTH_CANCELED: 'Sign-in was cancelled at your identity provider.',
  ERR_AUTH_FAILED: 'Your identity provider could not sign you in.',
  ERR_AUTH_FORBIDDEN: 'That account is not allowed to sign in here.',
  ERR_AUTH_STATE_MISSING: 'This sign-in expired or was already used. Please start again.',
  ERR_AUTH_STATE_FORBIDDEN: 'This sign-in was not started in this browser. Please start again.',
  ERR_AUTH_MISSING_PARAMETER: 'The sign-in response was incomplete. Please start again.',
  ERR_AUTH_PARTIAL_REFUSED: 'That sign-in step cannot be continued here. Please start again.',
  ERR_AUTH_ALREADY_ASSOCIATED: 'That account is already linked to another user.',
  ERR_AUTH_LINK_REFUSED:
    'The account was not linked: you signed in to a different account than the one its email address belongs to.',
  ERR_AUTH_TOKEN:
    'The sign-in service refused our credentials. Please tell the site’s administrator.',
  ERR_AUTH_UNREACHABLE_PROVIDER:
    'The sign-in service is not reachable right now. Please try again later.',
  ERR_AUTH_CONNECTION: 'The sign-in service is not reachable right now. Please try again later.',
  ERR_AUTH_INVALID_RESPONSE:
    'The sign-in service answered something unexpected. Please try again later.',
  ERR_AUTH_MISSING_UID: 'The sign-in service did not say who you are. Please try again later.',
  ERR_NOT_ALLOWED_TO_DISCONNECT: 'This is your only way to sign in, so it cannot be disconnected.',
  ERR_REQUEST_FORBIDDEN: 'The form was out of date. Please try again.',
  ERR_LOGIN_REQUIRED: 'Please sign in first.',
  ERR_MISSING_BACKEND: 'That sign-in method is not available.',
}

/** The sentence for a code; unknown codes get a generic one (the code is shown beside it). */
export function errorMessage(code: string): string {
  return MESSAGES[code] ?? 'Sign-in failed. Please try again.'
}
