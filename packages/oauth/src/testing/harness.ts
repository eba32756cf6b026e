import assert from 'node:assert/strict'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import {
  createSocialAuth,
  memoryStorage,
  type BackendDefinition,
  type JsonObject,
  type ProviderResponse,
  type Settings,
  type SocialAuth,
  type User,
  type UserDetails,
  type UserSocialAuth,
} from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { refreshAccessToken } from '../refresh.js'
import { fakeFetch, type FakeAnswer, type RecordedRequest } from './fake-fetch.js'

/** The client id the harness configures (and signs id_tokens for). */
export const FIXTURE_CLIENT_ID = 'fixture-client-id'

/** One row of a backend's fixture table: what the provider answers and what must result. */
export interface BackendFixture {
  /** A sentence for the test name. */
  readonly name: string
  /** Builds the backend with the harness's fetch. */
  readonly backend: (fetch: typeof globalThis.fetch) => BackendDefinition
  /** Settings besides KEY/SECRET (the harness sets `SOCIAL_AUTH_<NAME>_KEY`/`_SECRET`). */
  readonly settings?: Settings
  /** Fields posted to `/begin` (e.g. Osso's `email`). */
  readonly loginRequest?: Record<string, string>
  /** The token endpoint's JSON answer. */
  readonly tokenResponse: JsonObject
  /** Other provider routes: `'GET https://api.example/user'` → JSON answer. */
  readonly routes?: Record<string, FakeAnswer>
  /** OIDC: the id_token's claims; the harness signs it and serves discovery and JWKS. */
  readonly idToken?: {
    readonly issuer: string
    readonly claims: JsonObject
    /** Where the keys are served (default `<issuer>/jwks`), for providers without discovery. */
    readonly jwksUri?: string
    /** Fields added to (or replacing) the served discovery document, e.g. `userinfo_endpoint`. */
    readonly metadata?: JsonObject
  }
  /**
   * How the provider calls back: `POST` for `response_mode=form_post` (Apple), and parameters
   * it sends besides `code` and `state` (Apple's `user`, Facebook's `granted_scopes`).
   */
  readonly callback?: { readonly method?: 'GET' | 'POST'; readonly data?: Record<string, string> }
  /**
   * After the login, revoke the tokens: the backend must call `route` (`'DELETE https://…'`),
   * which answers `answer` (default `{}` with 200), and report success.
   */
  readonly revoke?: { readonly route: string; readonly answer?: FakeAnswer }
  /**
   * After the login, refresh the tokens: the token endpoint answers `tokenResponse` to a
   * `refresh_token` grant, and the stored access token must become the new one.
   */
  readonly refresh?: { readonly tokenResponse: JsonObject }
  /** What must result. */
  readonly expected: FixtureExpectations
}

/** What a successful fixture login must produce. */
export interface FixtureExpectations {
  readonly uid: string
  readonly details?: Partial<UserDetails>
  readonly username?: string
  /** The exact keys of `extra_data` (values are checked by `extraData`). */
  readonly extraDataKeys?: readonly string[]
  readonly extraData?: JsonObject
  /** Substrings the authorization URL must contain. */
  readonly authorizationUrlContains?: readonly string[]
  /** Whether `associate_by_email` may trust this email. */
  readonly emailVerified?: boolean
}

/**
 * A fixture row for a login the backend must refuse (a foreign tenant, a forged answer): the
 * same provider answers, and the coded error the callback must end with.
 */
export interface BackendRejection extends Omit<BackendFixture, 'expected' | 'revoke' | 'refresh'> {
  readonly expected: { readonly error: string }
}

/** What a fixture login produced. */
export interface FixtureResult {
  readonly authorizationUrl: URL
  readonly user: User
  /** The association as stored after the login (and after `refresh`, when the fixture has one). */
  readonly social: UserSocialAuth
  readonly details: UserDetails
  /** The provider response the backend handed to the pipeline. */
  readonly response: ProviderResponse
  readonly requests: readonly RecordedRequest[]
  /** The engine the login ran on. */
  readonly socialAuth: SocialAuth
}

async function oidcRoutes(
  issuer: string,
  claims: JsonObject,
  clientId: string,
  nonce: () => string | undefined,
) {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fixture-key', alg: 'RS256', use: 'sig' }
  const sign = async () =>
    new SignJWT({ ...claims, ...(nonce() ? { nonce: nonce() } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'fixture-key' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey)
  return { jwk, sign }
}

/** A fake provider for one fixture, and the engine logging in against it. */
async function prepare(fixture: Omit<BackendFixture, 'expected'>) {
  const clientId = FIXTURE_CLIENT_ID
  let nonce: string | undefined = undefined
  const routes: Record<string, FakeAnswer> = { ...(fixture.routes ?? {}) }
  if (fixture.revoke) routes[fixture.revoke.route] = fixture.revoke.answer ?? {}
  const token = { response: fixture.tokenResponse }
  let tokenAnswer: () => Promise<JsonObject> = async () => token.response
  if (fixture.idToken) {
    const { issuer, claims } = fixture.idToken
    const op = await oidcRoutes(issuer, claims, clientId, () => nonce)
    const base = issuer.replace(/\/$/, '')
    const jwksUri = fixture.idToken.jwksUri ?? `${base}/jwks`
    routes[`GET ${base}/.well-known/openid-configuration`] ??= {
      issuer,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      jwks_uri: jwksUri,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      ...fixture.idToken.metadata,
    }
    routes[`GET ${jwksUri}`] ??= { keys: [op.jwk] }
    tokenAnswer = async () => ({ ...token.response, id_token: await op.sign() })
  }
  // The token endpoint is whatever the backend posts to: every POST without a route gets it.
  const fetchImpl = fakeFetch(routes, (request) =>
    request.method === 'POST' ? tokenAnswer() : undefined,
  )
  const built = fixture.backend(fetchImpl)
  // Keep what the backend hands the pipeline, so details are checked on the real answer.
  const seen: { response?: ProviderResponse } = {}
  const backend: BackendDefinition = {
    ...built,
    async complete(call) {
      const result = await built.complete(call)
      seen.response = result.response
      return result
    },
  }
  const prefix = backend.name.toUpperCase().replace(/-/g, '_')
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [backend],
      [`SOCIAL_AUTH_${prefix}_KEY`]: clientId,
      [`SOCIAL_AUTH_${prefix}_SECRET`]: 'fixture-client-secret',
      LOGIN_REDIRECT_URL: '/done',
      ...fixture.settings,
    },
    storage: memoryStorage(),
  })
  const strategy = createTestStrategy()
  const started = await social.begin(
    strategy.request({ method: 'POST', body: fixture.loginRequest ?? {} }),
    backend.name,
  )
  if (started.type !== 'redirect') throw new Error('begin must redirect to the provider')
  const authorizationUrl = new URL(started.url)
  nonce = authorizationUrl.searchParams.get('nonce') ?? undefined
  const params: Record<string, string> = {
    ...fixture.callback?.data,
    code: 'fixture-code',
    state: authorizationUrl.searchParams.get('state') ?? '',
  }
  const callback = () =>
    fixture.callback?.method === 'POST'
      ? strategy.request({ method: 'POST', body: params })
      : strategy.request({ method: 'GET', query: params })
  return { built, backend, social, authorizationUrl, callback, fetchImpl, seen, token }
}

/**
 * Logs in once through a backend against a fake provider (the token response, user data and,
 * for OIDC, a signed id_token from the fixture) with the real engine and the memory storage,
 * and checks the expectations. Every provider package runs its fixture table through this, so
 * a new backend needs a fixture row, not flow code or a hand-written flow test.
 */
export async function runBackendFixture(fixture: BackendFixture): Promise<FixtureResult> {
  const { built, backend, social, authorizationUrl, callback, fetchImpl, seen, token } =
    await prepare(fixture)
  const expected = fixture.expected
  for (const part of expected.authorizationUrlContains ?? []) {
    assert.ok(
      authorizationUrl.href.includes(part),
      `authorization URL lacks ${part}: ${authorizationUrl.href}`,
    )
  }
  let loggedIn: User | undefined
  const done = await social.complete(callback(), backend.name, {
    login: ({ user }) => {
      loggedIn = user
    },
  })
  assert.ok(loggedIn, `the login failed: ${done.type === 'redirect' ? done.url : done.type}`)
  const [stored] = await social.storage.user.getSocialAuthForUser(loggedIn)
  assert.ok(stored, 'no association was stored')
  const response = seen.response
  assert.ok(response, 'the backend did not complete')
  let account = stored
  assert.equal(account.uid, expected.uid)
  assert.equal(account.provider, backend.name)
  if (expected.username !== undefined) assert.equal(loggedIn.username, expected.username)
  const bound = social.getBackend(backend.name)
  const details = bound.getUserDetails(response)
  if (expected.details) {
    for (const [key, value] of Object.entries(expected.details))
      assert.deepEqual(details[key], value, `details.${key}`)
  }
  if (expected.extraDataKeys)
    assert.deepEqual(Object.keys(account.extra_data).sort(), [...expected.extraDataKeys].sort())
  if (expected.extraData) {
    for (const [key, value] of Object.entries(expected.extraData))
      assert.deepEqual(account.extra_data[key], value, `extra_data.${key}`)
  }
  if (expected.emailVerified !== undefined) {
    assert.equal(bound.isEmailVerified(response, details), expected.emailVerified, 'emailVerified')
  }
  if (fixture.revoke) {
    assert.ok('revokeToken' in built, 'the backend cannot revoke tokens')
    const revoked = await built.revokeToken?.({
      backend: bound,
      settings: social.settings,
      social: account,
    })
    assert.equal(revoked, true, 'the revocation failed')
    const [method, url] = fixture.revoke.route.split(' ', 2) as [string, string]
    assert.ok(
      fetchImpl.requests.some((r) => r.method === method && r.url.href.startsWith(url)),
      `no ${fixture.revoke.route} request`,
    )
  }
  if (fixture.refresh) {
    token.response = fixture.refresh.tokenResponse
    account = await refreshAccessToken(social, account)
    const last = fetchImpl.requests.filter((r) => r.method === 'POST').at(-1)
    assert.equal(new URLSearchParams(last?.body).get('grant_type'), 'refresh_token')
    assert.equal(account.extra_data.access_token, fixture.refresh.tokenResponse.access_token)
  }
  return {
    authorizationUrl,
    user: loggedIn,
    social: account,
    details,
    response,
    requests: fetchImpl.requests,
    socialAuth: social,
  }
}

/**
 * Runs a login the backend must refuse and checks it ends with the expected coded error,
 * with no user logged in and no account linked.
 */
export async function runBackendRejection(
  fixture: BackendRejection,
): Promise<{ readonly error: unknown; readonly requests: readonly RecordedRequest[] }> {
  const { backend, social, callback, fetchImpl } = await prepare(fixture)
  let loggedIn = false
  const error = await social
    .complete(callback(), backend.name, {
      login: () => {
        loggedIn = true
      },
      onError: 'throw',
    })
    .then(
      () => undefined,
      (err: unknown) => err,
    )
  assert.equal(loggedIn, false, 'the login went through')
  assert.equal((error as { code?: unknown } | undefined)?.code, fixture.expected.error)
  return { error, requests: fetchImpl.requests }
}
