import { describe, expect, it } from '@jest/globals'
import * as core from '../src/index.js'
import {
  AuthAlreadyAssociated,
  AuthCanceled,
  AuthConnectionError,
  AuthException,
  AuthFailed,
  AuthForbidden,
  AuthInvalidParameter,
  AuthMissingParameter,
  AuthStateForbidden,
  AuthStateMissing,
  AuthTokenError,
  AuthTokenRevoked,
  AuthUnknownError,
  AuthUnreachableProvider,
  defineErrorCode,
  errorCatalogue,
  InvalidEmail,
  InvalidExpiryValue,
  isSocialAuthError,
  MissingBackend,
  NotAllowedToDisconnect,
  randomString,
  SocialAuthError,
  StrategyMissingBackendError,
  WrongBackend,
} from '../src/index.js'

describe('error messages match PSA’s str() (PSA behaviour 69, psa.md §3.7)', () => {
  it.each<[SocialAuthError, string]>([
    [new StrategyMissingBackendError(), 'Strategy storage backend is not configured'],
    [new WrongBackend('foo'), 'Incorrect authentication service "foo"'],
    [new MissingBackend('foo'), 'Missing backend "foo" entry'],
    [new NotAllowedToDisconnect(), 'This account is not allowed to be disconnected.'],
    [new AuthFailed('access_denied'), 'Authentication process was canceled'],
    [new AuthFailed('server_error'), 'Authentication failed: server_error'],
    [new AuthCanceled(), 'Authentication process canceled'],
    [new AuthCanceled('error_message'), 'Authentication process canceled: error_message'],
    [new AuthUnknownError('boom'), 'An unknown error happened while authenticating boom'],
    [new AuthTokenError('Invalid issuer'), 'Token error: Invalid issuer'],
    [new AuthMissingParameter('state'), 'Missing needed parameter state'],
    [new AuthInvalidParameter('prompt'), 'Invalid value for parameter prompt'],
    [new AuthStateMissing(), 'Session value state missing.'],
    [new AuthStateForbidden(), 'Wrong state parameter given.'],
    [new AuthAlreadyAssociated(), 'This account is already in use.'],
    [new AuthTokenRevoked(), 'User revoke access to the token'],
    [new AuthForbidden(), "Your credentials aren't allowed"],
    [new AuthUnreachableProvider(), 'The authentication provider could not be reached'],
    [new InvalidEmail(), "Email couldn't be validated"],
    [new AuthConnectionError('refused'), 'Connection error: refused'],
    [new InvalidExpiryValue('expires', 'x'), "Invalid expiry value for field 'expires': x"],
  ])('%s', (err, message) => {
    expect(err.message).toBe(message)
    expect(String(err)).toBe(`${err.name}: ${message}`)
  })

  it('keeps PSA’s class names and hierarchy', () => {
    expect(new MissingBackend('x')).toBeInstanceOf(WrongBackend)
    expect(new AuthCanceled()).toBeInstanceOf(AuthException)
    expect(new AuthInvalidParameter('p')).toBeInstanceOf(AuthMissingParameter)
    expect(new AuthConnectionError('x')).toBeInstanceOf(AuthUnreachableProvider)
    expect(new AuthCanceled().name).toBe('AuthCanceled')
    expect(isSocialAuthError(new AuthCanceled())).toBe(true)
    expect(isSocialAuthError(new Error('x'))).toBe(false)
  })

  it('carries the backend, the provider’s error and error_description, a status and the cause', () => {
    const cause = new Error('HTTP 400')
    const err = new AuthCanceled('denied', {
      backend: 'osso',
      error: 'access_denied',
      errorDescription: 'User said no',
      cause,
    })
    expect(err).toMatchObject({
      code: 'ERR_AUTH_CANCELED',
      backend: 'osso',
      providerError: 'access_denied',
      providerErrorDescription: 'User said no',
      status: 401,
      cause,
    })
  })
})

describe('error codes', () => {
  it('gives every exported error class a distinct catalogued code and status', () => {
    const classes = Object.values(core).filter(
      (value): value is typeof SocialAuthError =>
        typeof value === 'function' &&
        (value === SocialAuthError || value.prototype instanceof SocialAuthError),
    )
    const catalogue = new Map(errorCatalogue().map((entry) => [entry.name, entry]))
    for (const cls of classes) {
      const entry = catalogue.get(cls.name)
      expect(entry).toBeDefined()
      expect(cls.prototype.code).toBe(entry!.code)
    }
    const codes = errorCatalogue().map((entry) => entry.code)
    expect(new Set(codes).size).toBe(codes.length)
    for (const entry of errorCatalogue()) {
      expect(entry.code).toMatch(/^ERR_[A-Z_]+$/)
      expect(entry.status).toBeGreaterThanOrEqual(400)
      expect(entry.status).toBeLessThan(600)
    }
  })
})

describe('PSA behaviour 70 (test_strategy_none_storage)', () => {
  it('makes random strings of the asked length from the CSPRNG', () => {
    expect(randomString(5)).toHaveLength(5)
    expect(randomString()).toMatch(/^[A-Za-z0-9]{12}$/)
    expect(randomString(3, 'ab')).toMatch(/^[ab]{3}$/)
  })
})

describe('defineErrorCode', () => {
  it('lets another package add a coded error class to the catalogue', () => {
    class PluginError extends SocialAuthError {}
    defineErrorCode(PluginError, 'ERR_TEST_PLUGIN', 418)
    expect(new PluginError('x').code).toBe('ERR_TEST_PLUGIN')
    expect(errorCatalogue()).toContainEqual({
      code: 'ERR_TEST_PLUGIN',
      name: 'PluginError',
      status: 418,
    })
  })

  it('refuses to give an existing code to another class', () => {
    class Impostor extends SocialAuthError {}
    expect(() => defineErrorCode(Impostor, 'ERR_AUTH_CANCELED', 401)).toThrow(
      'already used by AuthCanceled',
    )
  })
})
