/**
 * The error catalogue. Every class keeps Python Social Auth's name (so a PSA user can find it)
 * and carries a stable `code` (so an app, a log search or a redirect can rely on it). The
 * messages are PSA's `str()` texts. `docs/errors.md` documents every code; a test keeps the
 * two in sync through {@link errorCatalogue}.
 */

/** Fields a provider error carries (RFC 6749 §4.1.2.1 / §5.2). */
export interface ProviderErrorInfo {
  /** The provider's `error` value, e.g. `access_denied`. */
  readonly error?: string | undefined
  /** The provider's `error_description`, if it sent one. */
  readonly errorDescription?: string | undefined
}

/** Options every social-auth error accepts. */
export interface SocialAuthErrorOptions extends ProviderErrorInfo {
  /** The underlying error, kept for logs (never shown to the browser). */
  readonly cause?: unknown
  /** The backend name the error belongs to, when there is one. */
  readonly backend?: string | undefined
  /** The HTTP status a framework should answer with when it answers JSON. */
  readonly status?: number | undefined
}

/**
 * Base class of every error the framework raises on purpose (PSA's
 * `SocialAuthBaseException`).
 *
 * @example
 * ```ts
 * try { await social.complete(strategy, 'osso') } catch (err) {
 *   if (err instanceof SocialAuthError) console.warn(err.code)
 * }
 * ```
 */
export class SocialAuthError extends Error {
  /** Stable machine-readable code, e.g. `ERR_AUTH_CANCELED` (set per class on the prototype). */
  declare readonly code: string
  /** The backend name, when the error belongs to one. */
  readonly backend: string | undefined
  /** The provider's `error`, when the provider sent one. */
  readonly providerError: string | undefined
  /** The provider's `error_description`, when the provider sent one. */
  readonly providerErrorDescription: string | undefined
  /** HTTP status for JSON answers (4xx for the caller's or the provider's fault). */
  readonly status: number = 400

  constructor(message: string, options: SocialAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.backend = options.backend
    this.providerError = options.error
    this.providerErrorDescription = options.errorDescription
    if (options.status !== undefined) this.status = options.status
  }
}

/** A code, its class and what an operator should do about it. */
export interface ErrorCatalogueEntry {
  readonly code: string
  readonly name: string
  readonly status: number
}

type ErrorClass = new (...args: never[]) => SocialAuthError

const catalogue = new Map<string, ErrorCatalogueEntry>()

/** Declares a subclass's code and default status; keeps the catalogue complete by construction. */
function coded<T extends ErrorClass>(cls: T, code: string, status: number): T {
  Object.defineProperty(cls.prototype, 'code', { value: code, enumerable: true })
  catalogue.set(code, { code, name: cls.name, status })
  return cls
}

coded(SocialAuthError, 'ERR_SOCIAL_AUTH', 400)

/**
 * Gives an error class of another package its stable code and default status, and lists it in
 * {@link errorCatalogue} (so `docs/errors.md` must document it: a test compares the two).
 *
 * @example
 * ```ts
 * export class JwtExpired extends SocialAuthError {}
 * defineErrorCode(JwtExpired, 'ERR_JWT_EXPIRED', 401)
 * ```
 */
export function defineErrorCode<T extends ErrorClass>(cls: T, code: string, status: number): T {
  const existing = catalogue.get(code)
  if (existing && existing.name !== cls.name) {
    throw new Error(`Error code ${code} is already used by ${existing.name}`)
  }
  return coded(cls, code, status)
}

/** Every code the framework can raise, with its class name and HTTP status. */
export function errorCatalogue(): readonly ErrorCatalogueEntry[] {
  return [...catalogue.values()]
}

/** Base for configuration mistakes found at start-up (PSA `SocialAuthImproperlyConfiguredError`). */
export class ImproperlyConfigured extends SocialAuthError {
  constructor(message: string, options?: SocialAuthErrorOptions) {
    super(message, { status: 500, ...options })
  }
}
coded(ImproperlyConfigured, 'ERR_IMPROPERLY_CONFIGURED', 500)

/** A setting holds a value of the wrong type. */
export class InvalidSetting extends ImproperlyConfigured {
  readonly setting: string
  constructor(setting: string, expected: string, options?: SocialAuthErrorOptions) {
    super(`Setting ${setting} must be ${expected}`, options)
    this.setting = setting
  }
}
coded(InvalidSetting, 'ERR_INVALID_SETTING', 500)

/** A pipeline entry names no known step and no loadable module export. */
export class UnknownPipelineStep extends ImproperlyConfigured {
  readonly step: string
  constructor(step: string, pipeline: string, options?: SocialAuthErrorOptions) {
    super(`Unknown pipeline step "${step}" in ${pipeline}`, options)
    this.step = step
  }
}
coded(UnknownPipelineStep, 'ERR_UNKNOWN_PIPELINE_STEP', 500)

/** An `AUTHENTICATION_BACKENDS` entry cannot be resolved to a backend. */
export class UnknownBackend extends ImproperlyConfigured {
  readonly entry: string
  constructor(entry: string, options?: SocialAuthErrorOptions) {
    super(`Unknown backend "${entry}" in AUTHENTICATION_BACKENDS`, options)
    this.entry = entry
  }
}
coded(UnknownBackend, 'ERR_UNKNOWN_BACKEND', 500)

/** Two backends were configured under one name. */
export class DuplicateBackend extends ImproperlyConfigured {
  constructor(name: string, options?: SocialAuthErrorOptions) {
    super(`Two backends are named "${name}"; give one a different name`, options)
  }
}
coded(DuplicateBackend, 'ERR_DUPLICATE_BACKEND', 500)

/** No storage was given to `createSocialAuth` (PSA `StrategyMissingBackendError`). */
export class StrategyMissingBackendError extends ImproperlyConfigured {
  constructor(options?: SocialAuthErrorOptions) {
    super('Strategy storage backend is not configured', options)
  }
}
coded(StrategyMissingBackendError, 'ERR_STORAGE_MISSING', 500)

/** A request names a backend that is not configured (PSA `WrongBackend`). */
export class WrongBackend extends SocialAuthError {
  constructor(backendName: string, options?: SocialAuthErrorOptions) {
    super(`Incorrect authentication service "${backendName}"`, {
      status: 404,
      backend: backendName,
      ...options,
    })
  }
}
coded(WrongBackend, 'ERR_WRONG_BACKEND', 404)

/** A request names a backend that is not configured (PSA `MissingBackend`; HTTP 404). */
export class MissingBackend extends WrongBackend {
  constructor(backendName: string, options?: SocialAuthErrorOptions) {
    super(backendName, options)
    this.message = `Missing backend "${backendName}" entry`
  }
}
coded(MissingBackend, 'ERR_MISSING_BACKEND', 404)

/** The disconnect pipeline refused to remove the last way to log in. */
export class NotAllowedToDisconnect extends SocialAuthError {
  constructor(options?: SocialAuthErrorOptions) {
    super('This account is not allowed to be disconnected.', { status: 409, ...options })
  }
}
coded(NotAllowedToDisconnect, 'ERR_NOT_ALLOWED_TO_DISCONNECT', 409)

/** Base of authentication failures (PSA `AuthException`). */
export class AuthException extends SocialAuthError {}
coded(AuthException, 'ERR_AUTH', 400)

/** The provider reported an error on the callback (PSA `AuthFailed`). */
export class AuthFailed extends AuthException {
  constructor(message: string, options?: SocialAuthErrorOptions) {
    super(
      message === 'access_denied'
        ? 'Authentication process was canceled'
        : `Authentication failed: ${message}`,
      { status: 401, ...options },
    )
  }
}
coded(AuthFailed, 'ERR_AUTH_FAILED', 401)

/** The user cancelled or denied the login at the provider (PSA `AuthCanceled`). */
export class AuthCanceled extends AuthException {
  constructor(message = '', options?: SocialAuthErrorOptions) {
    super(
      message ? `Authentication process canceled: ${message}` : 'Authentication process canceled',
      { status: 401, ...options },
    )
  }
}
coded(AuthCanceled, 'ERR_AUTH_CANCELED', 401)

/** Something unexpected happened while authenticating (PSA `AuthUnknownError`). */
export class AuthUnknownError extends AuthException {
  constructor(message: string, options?: SocialAuthErrorOptions) {
    super(`An unknown error happened while authenticating ${message}`, { status: 502, ...options })
  }
}
coded(AuthUnknownError, 'ERR_AUTH_UNKNOWN', 502)

/** A token was refused: bad client credentials, or an id_token that failed a check. */
export class AuthTokenError extends AuthException {
  constructor(message: string, options?: SocialAuthErrorOptions) {
    super(`Token error: ${message}`, { status: 401, ...options })
  }
}
coded(AuthTokenError, 'ERR_AUTH_TOKEN', 401)

/** A required request parameter is missing (PSA `AuthMissingParameter`). */
export class AuthMissingParameter extends AuthException {
  readonly parameter: string
  constructor(parameter: string, options?: SocialAuthErrorOptions) {
    super(`Missing needed parameter ${parameter}`, options)
    this.parameter = parameter
  }
}
coded(AuthMissingParameter, 'ERR_AUTH_MISSING_PARAMETER', 400)

/** A request or configured parameter has an invalid value (PSA `AuthInvalidParameter`). */
export class AuthInvalidParameter extends AuthMissingParameter {
  constructor(parameter: string, options?: SocialAuthErrorOptions) {
    super(parameter, options)
    this.message = `Invalid value for parameter ${parameter}`
  }
}
coded(AuthInvalidParameter, 'ERR_AUTH_INVALID_PARAMETER', 400)

/** The login transaction (state) is missing: expired, already used, or never started here. */
export class AuthStateMissing extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('Session value state missing.', options)
  }
}
coded(AuthStateMissing, 'ERR_AUTH_STATE_MISSING', 400)

/** The callback's state does not match a login this browser started (PSA `AuthStateForbidden`). */
export class AuthStateForbidden extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('Wrong state parameter given.', { status: 403, ...options })
  }
}
coded(AuthStateForbidden, 'ERR_AUTH_STATE_FORBIDDEN', 403)

/** The provider account is already linked to another user (PSA `AuthAlreadyAssociated`). */
export class AuthAlreadyAssociated extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('This account is already in use.', { status: 409, ...options })
  }
}
coded(AuthAlreadyAssociated, 'ERR_AUTH_ALREADY_ASSOCIATED', 409)

/**
 * Creating the user collided with an existing user row and retrying did not resolve it. PSA
 * raises `AuthAlreadyAssociated` here; we keep a distinct code because the cause differs, and
 * we never fall back to the existing user (CVE-2025-61783).
 */
export class AuthUserConflict extends AuthAlreadyAssociated {}
coded(AuthUserConflict, 'ERR_AUTH_USER_CONFLICT', 409)

/** The user revoked the token at the provider (PSA `AuthTokenRevoked`). */
export class AuthTokenRevoked extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('User revoke access to the token', { status: 401, ...options })
  }
}
coded(AuthTokenRevoked, 'ERR_AUTH_TOKEN_REVOKED', 401)

/** The credentials are not allowed here: whitelists, or a provider 401/403 (PSA `AuthForbidden`). */
export class AuthForbidden extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super("Your credentials aren't allowed", { status: 403, ...options })
  }
}
coded(AuthForbidden, 'ERR_AUTH_FORBIDDEN', 403)

/** The provider could not be reached or timed out (PSA `AuthUnreachableProvider`). */
export class AuthUnreachableProvider extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('The authentication provider could not be reached', { status: 503, ...options })
  }
}
coded(AuthUnreachableProvider, 'ERR_AUTH_UNREACHABLE_PROVIDER', 503)

/** The connection to the provider failed (PSA `AuthConnectionError`). */
export class AuthConnectionError extends AuthUnreachableProvider {
  constructor(message: string, options?: SocialAuthErrorOptions) {
    super(options)
    this.message = `Connection error: ${message}`
  }
}
coded(AuthConnectionError, 'ERR_AUTH_CONNECTION', 503)

/** The provider answered something that is not the protocol (HTML, garbage, wrong shape). */
export class AuthInvalidResponse extends AuthException {
  constructor(message: string, options?: SocialAuthErrorOptions) {
    super(`Invalid response from the authentication provider: ${message}`, {
      status: 502,
      ...options,
    })
  }
}
coded(AuthInvalidResponse, 'ERR_AUTH_INVALID_RESPONSE', 502)

/** The provider gave no usable identifier for the account (PSA would store the uid "None"). */
export class AuthMissingUid extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('The provider did not return an account identifier', { status: 502, ...options })
  }
}
coded(AuthMissingUid, 'ERR_AUTH_MISSING_UID', 502)

/** Why an automatic link to an existing account was refused. */
export type LinkRefusalReason = 'email_not_verified' | 'ambiguous_email' | 'account_mismatch'

/**
 * An existing account matched by email was not linked: the provider does not vouch for the
 * email, or several accounts share it. PSA links on any email match; we do not.
 */
export class AuthLinkRefused extends AuthException {
  readonly reason: LinkRefusalReason
  /** The provider account id that was not linked. */
  readonly uid: string | undefined
  constructor(
    reason: LinkRefusalReason,
    options?: SocialAuthErrorOptions & { uid?: string | undefined },
  ) {
    super(
      reason === 'ambiguous_email'
        ? 'The given email address is associated with another account'
        : reason === 'account_mismatch'
          ? 'You signed in to a different account than the one this email belongs to'
          : 'An account with this email exists; sign in with it first, then link this one',
      { status: 409, ...options },
    )
    this.reason = reason
    this.uid = options?.uid
  }
}
coded(AuthLinkRefused, 'ERR_AUTH_LINK_REFUSED', 409)

/** A partial pipeline token was refused: unknown, expired, or owned by another session. */
export class AuthPartialRefused extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('This sign-in step cannot be resumed here', { status: 403, ...options })
  }
}
coded(AuthPartialRefused, 'ERR_AUTH_PARTIAL_REFUSED', 403)

/** The pipeline ended without a user (PSA redirects to LOGIN_ERROR_URL silently). */
export class AuthNoUser extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('The sign-in did not produce a user', { status: 401, ...options })
  }
}
coded(AuthNoUser, 'ERR_AUTH_NO_USER', 401)

/** The user is inactive and inactive users may not log in. */
export class AuthInactiveUser extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('This account is inactive', { status: 403, ...options })
  }
}
coded(AuthInactiveUser, 'ERR_AUTH_INACTIVE_USER', 403)

/** An email validation code failed (PSA `InvalidEmail`). */
export class InvalidEmail extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super("Email couldn't be validated", options)
  }
}
coded(InvalidEmail, 'ERR_INVALID_EMAIL', 400)

/** An expiry field in `extra_data` is not a number (PSA `InvalidExpiryValue`). */
export class InvalidExpiryValue extends SocialAuthError {
  readonly fieldName: string
  readonly value: unknown
  constructor(fieldName: string, value: unknown, options?: SocialAuthErrorOptions) {
    super(`Invalid expiry value for field '${fieldName}': ${String(value)}`, {
      status: 500,
      ...options,
    })
    this.fieldName = fieldName
    this.value = value
  }
}
coded(InvalidExpiryValue, 'ERR_INVALID_EXPIRY_VALUE', 500)

/** The request is not allowed: no CSRF token, wrong method, or a bad form. */
export class RequestForbidden extends SocialAuthError {
  constructor(message = 'The request was refused', options?: SocialAuthErrorOptions) {
    super(message, { status: 403, ...options })
  }
}
coded(RequestForbidden, 'ERR_REQUEST_FORBIDDEN', 403)

/** The user must be logged in for this action. */
export class LoginRequired extends SocialAuthError {
  constructor(options?: SocialAuthErrorOptions) {
    super('You must be logged in', { status: 401, ...options })
  }
}
coded(LoginRequired, 'ERR_LOGIN_REQUIRED', 401)

/** No redirect URL could be chosen; set LOGIN_REDIRECT_URL (PSA raises `ValueError`). */
export class RedirectUrlMissing extends ImproperlyConfigured {
  constructor(options?: SocialAuthErrorOptions) {
    super('No redirect URL is configured; set LOGIN_REDIRECT_URL', options)
  }
}
coded(RedirectUrlMissing, 'ERR_REDIRECT_URL_MISSING', 500)

/** True when `err` is one of the framework's coded errors. */
export function isSocialAuthError(err: unknown): err is SocialAuthError {
  return err instanceof SocialAuthError
}

/** A remote key set (JWKS) could not be fetched and no usable copy is cached. */
export class KeySetUnavailable extends SocialAuthError {
  constructor(message = 'The signing keys could not be fetched', options?: SocialAuthErrorOptions) {
    super(message, { status: 503, ...options })
  }
}
coded(KeySetUnavailable, 'ERR_KEY_SET_UNAVAILABLE', 503)

/**
 * The authorization server named in the callback (RFC 9207 `iss`) is not the one this login
 * was started with: a mix-up attack, or a misconfigured provider.
 */
export class AuthIssuerMismatch extends AuthException {
  constructor(options?: SocialAuthErrorOptions) {
    super('The authorization response came from an unexpected issuer', { status: 403, ...options })
  }
}
coded(AuthIssuerMismatch, 'ERR_AUTH_ISSUER_MISMATCH', 403)

// Bearer-token errors of `@social-auth/jwt` (the USSO SDK's names). Each maps to one RFC 6750
// answer: TokenNotFound → 401 without an error code (§3.1), TokenInvalid/TokenExpired → 401
// `invalid_token`, TokenRequestMalformed → 400 `invalid_request`, InsufficientScope and
// InsufficientRole → 403 `insufficient_scope`.

/** A request carried no bearer token (RFC 6750 §3.1: answered 401 without an error code). */
export class TokenNotFound extends SocialAuthError {
  constructor(message = 'No bearer token was sent', options?: SocialAuthErrorOptions) {
    super(message, { status: 401, ...options })
  }
}
coded(TokenNotFound, 'ERR_TOKEN_NOT_FOUND', 401)

/**
 * A bearer token was refused: malformed, badly signed, from another issuer or audience, not yet
 * valid, or signed with a key or algorithm that is not allowed. `reason` says which check failed
 * (for logs and metrics; the client only learns `invalid_token`).
 */
export class TokenInvalid extends SocialAuthError {
  /** Which check refused the token, e.g. `signature`, `issuer`, `audience`, `kid`. */
  readonly reason: string
  constructor(
    message = 'The access token is invalid',
    options?: SocialAuthErrorOptions & { reason?: string | undefined },
  ) {
    super(message, { status: 401, ...options })
    this.reason = options?.reason ?? 'invalid'
  }
}
coded(TokenInvalid, 'ERR_TOKEN_INVALID', 401)

/** A bearer token's `exp` has passed (a {@link TokenInvalid}: RFC 6750 `invalid_token`). */
export class TokenExpired extends TokenInvalid {
  constructor(message = 'The access token expired', options?: SocialAuthErrorOptions) {
    super(message, { ...options, reason: 'expired' })
  }
}
coded(TokenExpired, 'ERR_TOKEN_EXPIRED', 401)

/**
 * The request is malformed for bearer authentication: a broken `Authorization` header, or a
 * token sent by more than one method (RFC 6750 §2, §3.1 `invalid_request`).
 */
export class TokenRequestMalformed extends SocialAuthError {
  constructor(message = 'The request is malformed', options?: SocialAuthErrorOptions) {
    super(message, { status: 400, ...options })
  }
}
coded(TokenRequestMalformed, 'ERR_TOKEN_REQUEST_MALFORMED', 400)

/** The token lacks a scope the resource needs (RFC 6750 §3.1 `insufficient_scope`). */
export class InsufficientScope extends SocialAuthError {
  /** The scopes the resource asked for. */
  readonly required: readonly string[]
  /** Whether all of `required` were needed, or any one of them. */
  readonly mode: 'all' | 'any'
  constructor(
    required: readonly string[],
    mode: 'all' | 'any' = 'all',
    options?: SocialAuthErrorOptions,
  ) {
    super(
      `${mode === 'all' ? 'Required scope' : 'One of the scopes'} ${required.map((s) => `'${s}'`).join(', ')} not granted`,
      { status: 403, ...options },
    )
    this.required = Object.freeze([...required])
    this.mode = mode
  }
}
coded(InsufficientScope, 'ERR_INSUFFICIENT_SCOPE', 403)

/** The token's user lacks a role the resource needs. */
export class InsufficientRole extends SocialAuthError {
  /** The roles the resource asked for. */
  readonly required: readonly string[]
  /** Whether all of `required` were needed, or any one of them. */
  readonly mode: 'all' | 'any'
  constructor(
    required: readonly string[],
    mode: 'all' | 'any' = 'all',
    options?: SocialAuthErrorOptions,
  ) {
    super(
      `${mode === 'all' ? 'Required role' : 'One of the roles'} ${required.map((r) => `'${r}'`).join(', ')} not found`,
      { status: 403, ...options },
    )
    this.required = Object.freeze([...required])
    this.mode = mode
  }
}
coded(InsufficientRole, 'ERR_INSUFFICIENT_ROLE', 403)

/**
 * Too many requests from one client, or for one identity, in a time window (RFC 6585 §4): the
 * abuse limits on `/begin`, `/complete`, `/disconnect` and token routes. Answered 429 with
 * `Retry-After`; which limit was hit (`rule`) is for logs, never for the client.
 */
export class RateLimited extends SocialAuthError {
  /** Seconds until the window that refused the request ends (the `Retry-After` value). */
  readonly retryAfterSeconds: number
  /** The name of the limit that refused the request, e.g. `begin:ip`. */
  readonly rule: string | undefined
  constructor(
    retryAfterSeconds: number,
    options?: SocialAuthErrorOptions & { rule?: string | undefined },
  ) {
    super('Too many attempts. Please wait a moment and try again.', { status: 429, ...options })
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds))
    this.rule = options?.rule
  }
}
coded(RateLimited, 'ERR_RATE_LIMITED', 429)
