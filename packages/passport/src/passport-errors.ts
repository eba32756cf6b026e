import {
  AuthCanceled,
  AuthConnectionError,
  AuthFailed,
  AuthForbidden,
  AuthInvalidResponse,
  AuthTokenError,
  AuthUnreachableProvider,
  SocialAuthError,
} from '@social-auth/core'

/** What passport-oauth2's errors carry (AuthorizationError, TokenError, InternalOAuthError). */
interface PassportOAuthError {
  readonly name?: string
  readonly message?: string
  readonly code?: string
  readonly oauthError?: {
    readonly statusCode?: number
    readonly code?: string
    readonly data?: unknown
  }
}

/**
 * Maps what a passport-oauth2 strategy reported (`error(err)` or `fail(challenge)`) to a coded
 * social-auth error, so the failure reaches the app as a stable code, never as a 500. The
 * provider's body is never copied into a message.
 */
export function passportError(backend: string, err: unknown): SocialAuthError {
  if (err instanceof SocialAuthError) return err
  const e = (err ?? {}) as PassportOAuthError
  const info = { backend, cause: err }
  switch (e.name) {
    case 'AuthorizationError':
      return /denied|cancel/i.test(e.code ?? '')
        ? new AuthCanceled(e.message ?? '', { ...info, error: e.code })
        : new AuthFailed(e.message || e.code || 'the provider refused the authorization', {
            ...info,
            error: e.code,
          })
    case 'TokenError':
      return e.code === 'invalid_client'
        ? new AuthTokenError('Invalid key/secret, perhaps expired', { ...info, error: e.code })
        : new AuthCanceled(e.message ?? '', { ...info, error: e.code })
    case 'InternalOAuthError': {
      const status = e.oauthError?.statusCode
      if (status === undefined)
        return new AuthConnectionError('the provider could not be reached', info)
      if (status === 401) return new AuthTokenError('Invalid key/secret, perhaps expired', info)
      if (status === 403) return new AuthForbidden(info)
      if (status >= 500) return new AuthUnreachableProvider(info)
      return new AuthInvalidResponse(`HTTP ${status}`, info)
    }
    default:
      return new AuthInvalidResponse('the provider’s answer could not be processed', info)
  }
}

/** A passport `fail(challenge)`: passport-oauth2 fails a denied consent this way. */
export function passportFailure(backend: string, challenge: unknown): SocialAuthError {
  const message =
    typeof challenge === 'string'
      ? challenge
      : typeof (challenge as { message?: unknown } | undefined)?.message === 'string'
        ? (challenge as { message: string }).message
        : ''
  return new AuthCanceled(message, { backend })
}
