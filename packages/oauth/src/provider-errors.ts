import * as client from 'openid-client'
import {
  AuthCanceled,
  AuthConnectionError,
  AuthFailed,
  AuthForbidden,
  AuthInvalidResponse,
  AuthStateForbidden,
  AuthTokenError,
  AuthUnreachableProvider,
  KeySetUnavailable,
  SocialAuthError,
} from '@social-auth/core'

/** A provider endpoint answered with an HTTP error status. */
export class ProviderHttpError extends Error {
  readonly status: number
  constructor(status: number) {
    super(`the provider answered HTTP ${status}`)
    this.name = 'ProviderHttpError'
    this.status = status
  }
}

/** PSA's `process_error`: an `error` on the callback becomes AuthCanceled or AuthFailed. */
export function callbackError(
  backend: string,
  data: Record<string, string>,
): SocialAuthError | undefined {
  const error = data.error
  if (!error) return undefined
  const errorDescription = data.error_description
  const info = { backend, error, errorDescription }
  if (/denied|cancel/i.test(error)) return new AuthCanceled(errorDescription ?? '', info)
  return new AuthFailed(errorDescription || error, info)
}

function fromStatus(
  backend: string,
  status: number,
  cause: unknown,
  error?: string,
  errorDescription?: string,
): SocialAuthError {
  const info = { backend, cause, error, errorDescription }
  if (status === 401 || error === 'invalid_client')
    return new AuthTokenError('Invalid key/secret, perhaps expired', info)
  if (status === 403) return new AuthForbidden(info)
  if (status >= 500) return new AuthUnreachableProvider(info)
  if (status === 400) return new AuthCanceled(errorDescription ?? error ?? '', info)
  return new AuthInvalidResponse(`HTTP ${status}`, info)
}

/** What oauth4webapi attaches to a failed comparison of a JSON answer's attribute. */
interface AttributeComparison {
  readonly attribute?: unknown
  readonly expected?: unknown
  readonly body?: unknown
}

/** The comparison behind an error: on its cause, or on the cause of the error it wraps. */
function comparisonOf(err: unknown): AttributeComparison | undefined {
  let value = err
  for (let depth = 0; depth < 3 && typeof value === 'object' && value !== null; depth++) {
    const cause = (value as { cause?: unknown }).cause
    if (typeof cause === 'object' && cause !== null && 'attribute' in cause) return cause
    value = cause
  }
  return undefined
}

/** A URL from a provider's answer, fit for a message: parsed (so percent-encoded) and short. */
function shownUrl(value: unknown): string {
  const text = typeof value === 'string' && URL.canParse(value) ? new URL(value).href : '?'
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
}

/**
 * A discovery document whose `issuer` is not the URL it was discovered from (OIDC Discovery
 * §4.3). Not a token problem: the configured issuer is wrong (a host alias, a missing path or
 * tenant) or the provider publishes a bad document, so it is reported as a provider answer
 * that cannot be used, naming both issuers so the setting can be fixed.
 */
function discoveryIssuerMismatch(
  backend: string,
  comparison: AttributeComparison,
  cause: unknown,
): SocialAuthError {
  const published = (comparison.body as { issuer?: unknown } | null | undefined)?.issuer
  return new AuthInvalidResponse(
    `the discovery document names the issuer ${shownUrl(published)}, not the configured ` +
      `${shownUrl(comparison.expected)}; the backend's issuer (OIDC_ENDPOINT) must be the ` +
      `provider's issuer exactly`,
    { backend, cause },
  )
}

/**
 * Maps whatever an exchange with the provider threw to a coded error, keeping the provider's
 * `error`/`error_description` and the original as `cause`. The provider's raw body is never
 * put in a message: messages may reach a browser, bodies may carry anything.
 */
export function mapProviderError(backend: string, err: unknown): SocialAuthError {
  if (err instanceof SocialAuthError) return err
  if (err instanceof ProviderHttpError) return fromStatus(backend, err.status, err)
  if (err instanceof SyntaxError)
    return new AuthInvalidResponse('the answer is not JSON', { backend, cause: err })
  if (err instanceof client.ResponseBodyError)
    return fromStatus(backend, err.status, err, err.error, err.error_description)
  if (err instanceof client.AuthorizationResponseError) {
    return callbackError(backend, {
      error: err.error,
      error_description: err.error_description ?? '',
    })!
  }
  if (err instanceof client.WWWAuthenticateChallengeError)
    return fromStatus(backend, err.status, err)
  const name = (err as { name?: string } | null)?.name
  if (name === 'TimeoutError' || name === 'AbortError')
    return new AuthUnreachableProvider({ backend, cause: err })
  // By name, not instanceof: fetch's TypeError may come from another realm (test VMs), and
  // openid-client then wraps it ("something went wrong") instead of rethrowing it.
  const fetchFailed = (value: unknown): boolean =>
    (value as Error | null)?.name === 'TypeError' && /fetch failed/i.test((value as Error).message)
  if (fetchFailed(err) || fetchFailed((err as { cause?: unknown } | null)?.cause)) {
    return new AuthConnectionError('the provider could not be reached', { backend, cause: err })
  }
  const code = (err as { code?: string } | null)?.code
  const cause = (err as { cause?: unknown } | null)?.cause
  if (cause instanceof Response && code !== 'OAUTH_JWT_CLAIM_COMPARISON_FAILED')
    return fromStatus(backend, cause.status, err)
  if ((err as { cause?: { name?: string } } | null)?.cause?.name === 'TimeoutError') {
    return new AuthUnreachableProvider({ backend, cause: err })
  }
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    const comparison = comparisonOf(err)
    if (comparison?.attribute === 'issuer') return discoveryIssuerMismatch(backend, comparison, err)
  }
  switch (code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
    case 'OAUTH_KEY_SELECTION_FAILED':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
    case 'OAUTH_INVALID_RESPONSE':
      return new AuthTokenError((err as Error).message, { backend, cause: err })
    case 'OAUTH_INVALID_REQUEST':
      return new AuthStateForbidden({ backend, cause: err })
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_PARSE_ERROR':
      return new AuthInvalidResponse('the answer is not a valid OAuth response', {
        backend,
        cause: err,
      })
    case 'ERR_KEY_SET_UNAVAILABLE':
      return new KeySetUnavailable(undefined, { backend, cause: err })
    default:
      return new AuthInvalidResponse('the provider’s answer could not be processed', {
        backend,
        cause: err,
      })
  }
}
