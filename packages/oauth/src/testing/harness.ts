import assert from 'node:assert/strict'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import {
  createSocialAuth,
  memoryStorage,
  type BackendDefinition,
  type JsonObject,
  type Settings,
  type User,
  type UserDetails,
  type UserSocialAuth,
} from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { fakeFetch, type FakeAnswer, type RecordedRequest } from './fake-fetch.js'

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
  readonly idToken?: { readonly issuer: string; readonly claims: JsonObject }
  /** What must result. */
  readonly expected: {
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
}

/** What a fixture login produced. */
export interface FixtureResult {
  readonly authorizationUrl: URL
  readonly user: User
  readonly social: UserSocialAuth
  readonly details: UserDetails
  readonly requests: readonly RecordedRequest[]
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

/**
 * Logs in once through a backend against a fake provider (the token response, user data and,
 * for OIDC, a signed id_token from the fixture) with the real engine and the memory storage,
 * and checks the expectations. Every provider package runs its fixture table through this, so
 * a new backend needs a fixture row, not flow code or a hand-written flow test.
 */
export async function runBackendFixture(fixture: BackendFixture): Promise<FixtureResult> {
  const clientId = 'fixture-client-id'
  let nonce: string | undefined = undefined
  const routes: Record<string, FakeAnswer> = { ...(fixture.routes ?? {}) }
  let tokenAnswer: () => Promise<JsonObject> = async () => fixture.tokenResponse
  if (fixture.idToken) {
    const { issuer, claims } = fixture.idToken
    const op = await oidcRoutes(issuer, claims, clientId, () => nonce)
    const base = issuer.replace(/\/$/, '')
    routes[`GET ${base}/.well-known/openid-configuration`] ??= {
      issuer,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }
    routes[`GET ${base}/jwks`] ??= { keys: [op.jwk] }
    tokenAnswer = async () => ({ ...fixture.tokenResponse, id_token: await op.sign() })
  }
  // The token endpoint is whatever the backend posts to: every POST without a route gets it.
  const fetchImpl = fakeFetch(routes, (request) =>
    request.method === 'POST' ? tokenAnswer() : undefined,
  )
  const backend = fixture.backend(fetchImpl)
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
  for (const part of fixture.expected.authorizationUrlContains ?? []) {
    assert.ok(
      authorizationUrl.href.includes(part),
      `authorization URL lacks ${part}: ${authorizationUrl.href}`,
    )
  }
  const query: Record<string, string> = {
    code: 'fixture-code',
    state: authorizationUrl.searchParams.get('state') ?? '',
  }
  let loggedIn: User | undefined
  const done = await social.complete(strategy.request({ method: 'GET', query }), backend.name, {
    login: ({ user }) => {
      loggedIn = user
    },
  })
  assert.ok(loggedIn, `the login failed: ${done.type === 'redirect' ? done.url : done.type}`)
  const [account] = await social.storage.user.getSocialAuthForUser(loggedIn)
  assert.ok(account, 'no association was stored')
  const expected = fixture.expected
  assert.equal(account.uid, expected.uid)
  assert.equal(account.provider, backend.name)
  if (expected.username !== undefined) assert.equal(loggedIn.username, expected.username)
  const bound = social.getBackend(backend.name)
  const response = { ...fixture.tokenResponse }
  const details = bound.getUserDetails({ ...response, ...(await userDataFor(fixture)) })
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
    assert.equal(
      bound.isEmailVerified({ ...response, ...(await userDataFor(fixture)) }, details),
      expected.emailVerified,
    )
  }
  return {
    authorizationUrl,
    user: loggedIn,
    social: account,
    details,
    requests: fetchImpl.requests,
  }
}

/** The user-data answers of a fixture merged, for checking details without a login. */
async function userDataFor(fixture: BackendFixture): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {}
  for (const [route, answer] of Object.entries(fixture.routes ?? {})) {
    if (!route.startsWith('GET ') || route.includes('.well-known') || route.endsWith('/jwks'))
      continue
    if (
      typeof answer === 'object' &&
      answer !== null &&
      !(answer instanceof Response) &&
      !Array.isArray(answer)
    ) {
      Object.assign(merged, answer)
    }
  }
  if (fixture.idToken)
    Object.assign(merged, {
      id_token_claims: { iss: fixture.idToken.issuer, ...fixture.idToken.claims },
    })
  return merged
}
