import { createHash } from 'node:crypto'
import * as client from 'openid-client'
import {
  AuthMissingParameter,
  AuthStateForbidden,
  AuthStateMissing,
  AuthIssuerMismatch,
  AuthInvalidResponse,
  ImproperlyConfigured,
  InvalidSetting,
  randomToken,
  redirect,
  type BackendCall,
  type BackendDefinition,
  type BoundBackend,
  type ExtraDataArgs,
  type ExtraDataEntry,
  type JsonObject,
  type ProviderResponse,
  type RequestData,
  type RevokeCall,
  type SettingsResolver,
  type UserDetails,
  type UserSocialAuth,
} from '@social-auth/core'
import { MAX_PROVIDER_RESPONSE_BYTES } from './http-fetch.js'
import {
  idTokenIssuerOf,
  idTokenMaxAge,
  jwtLeeway,
  verifyProviderIdToken,
} from './provider-id-token.js'
import { oidcRequestParameters } from './oidc-request.js'
import { callbackError, mapProviderError, ProviderHttpError } from './provider-errors.js'
import {
  providerFetch,
  providerFetchOptions,
  providerRead,
  type ProviderAnswer,
  type ProviderRead,
} from './provider-fetch.js'
import { settingSource } from './setting-source.js'
import { tokenExtraData } from './token-extra-data.js'
import { saveTransaction, takeTransaction, type LoginTransaction } from './transactions.js'
import { isLoopback } from './url-policy.js'
import './settings.js'

/** Where a provider's endpoints are. */
export interface OAuth2Endpoints {
  /** Identifies the authorization server; bound to each login and checked on the way back. */
  readonly issuer: string
  readonly authorization: string
  readonly token: string
  readonly userinfo?: string | undefined
  readonly revocation?: string | undefined
  readonly jwks?: string | undefined
  /**
   * The `iss` id_tokens carry when it is not `issuer` (PSA's `ID_TOKEN_ISSUER`). `issuer` still
   * identifies the server (the login's binding, the RFC 9207 `iss`). Not used with
   * `discoverFrom`.
   */
  readonly idTokenIssuer?: string | undefined
  /** The server sends RFC 9207 `iss` on every authorization response. */
  readonly issParameterSupported?: boolean | undefined
  /**
   * Build openid-client's configuration by discovery from this issuer URL rather than from the
   * fields above, so that openid-client's provider rules apply — Entra ID's multi-tenant
   * issuer (`…/{tenantid}/v2.0`) is then checked against each id_token's `tid`.
   */
  readonly discoverFrom?: string | undefined
}

/** The openid-client configuration and the endpoints a login runs against. */
export interface ProviderConfiguration {
  readonly config: client.Configuration
  readonly endpoints: OAuth2Endpoints
}

/** What `userData` receives. */
export interface UserDataInput {
  readonly backend: BoundBackend
  readonly accessToken: string
  /** The token response (JSON fields only). */
  readonly tokens: JsonObject
  readonly provider: ProviderConfiguration
  /** The verified id_token claims (OIDC). */
  readonly idTokenClaims?: Record<string, unknown> | undefined
  /**
   * The callback's own parameters (state and code included). Some providers put user data
   * there: Apple posts the name as a `user` field, Facebook lists `granted_scopes`.
   */
  readonly callback: RequestData
  /** GET (or POST) a JSON document through the provider fetch; errors are coded. */
  readonly fetchJson: (
    url: string | URL,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ) => Promise<unknown>
}

/** What a provider-specific `revoke` receives. */
export interface RevokeInput {
  readonly backend: BoundBackend
  readonly social: UserSocialAuth
  readonly provider: ProviderConfiguration
  readonly clientId: string
  readonly clientSecret: string | undefined
  /** Sends a request through the provider fetch (timeout, no redirects); resolves to its status. */
  readonly send: (
    url: string | URL,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ) => Promise<number>
}

/** A provider, declared (STYLE.md: "a backend is a factory returning a typed definition"). */
export interface OAuth2Spec {
  readonly name: string
  /** The endpoints for these settings (may discover them). */
  readonly endpoints: (backend: BoundBackend) => OAuth2Endpoints | Promise<OAuth2Endpoints>
  readonly defaultScope?: readonly string[]
  readonly scopeSeparator?: string
  readonly idKey?: string
  readonly extraData?: readonly ExtraDataEntry[]
  /**
   * More values for `extra_data`, merged over the token fields every OAuth2 login keeps (Osso:
   * the tenant its `validateResponse` verified, read from `args.context`).
   */
  readonly extraDataFor?: (args: ExtraDataArgs) => JsonObject
  /** PKCE S256 unless `USE_PKCE` says otherwise (default true: RFC 9700 §2.1.1). */
  readonly pkce?: boolean
  /** OpenID Connect: send a nonce, require and verify an id_token. */
  readonly openid?: boolean
  /** How the client authenticates at the token endpoint (default `client_secret_post`). */
  readonly clientAuth?: 'client_secret_post' | 'client_secret_basic'
  /** The client id when it is not the `KEY` setting (Apple keeps it in `CLIENT`). */
  readonly clientId?: (backend: BoundBackend) => string | undefined
  /**
   * A client secret minted for each token request (Apple: an ES256-signed JWT). The `SECRET`
   * setting is then whatever this function reads (Apple: the signing key), never sent as is.
   */
  readonly clientSecret?: (backend: BoundBackend) => Promise<string>
  /**
   * The `iss` an id_token must carry when it is not `endpoints.issuer` (Entra ID multi-tenant:
   * the issuer template filled with the token's own `tid`, once its signature checked out).
   */
  readonly idTokenIssuer?: (claims: Record<string, unknown>, endpoints: OAuth2Endpoints) => string
  /**
   * Revokes the stored tokens at a provider whose revocation is not RFC 7009 (GitHub's
   * `DELETE /applications/{client_id}/token`, Facebook's `DELETE /{uid}/permissions`).
   */
  readonly revoke?: (input: RevokeInput) => Promise<boolean>
  readonly requiresEmailValidation?: boolean
  readonly callbackParameters?: readonly string[]
  /** Extra authorization parameters taken from the login request (Osso: email or domain). */
  readonly authorizationParams?: (
    data: RequestData,
    backend: BoundBackend,
  ) => Record<string, string>
  /** The provider's answer: user data merged over the token response. */
  readonly userData: (input: UserDataInput) => Promise<ProviderResponse>
  /**
   * Checks the answer against what this login asked for; throws a coded error. It may return
   * what it verified, for the pipeline context (and so for `extraDataFor`): values only this
   * check can vouch for, kept out of the provider's `response`.
   */
  readonly validateResponse?: (input: {
    readonly response: ProviderResponse
    readonly transaction: LoginTransaction | undefined
    readonly backend: BoundBackend
  }) => void | Readonly<Record<string, unknown>>
  /**
   * A callback without a login this browser started (IdP-initiated SSO). Return true to let
   * it through; it then runs without state, PKCE or nonce, so keep it opt-in.
   */
  readonly acceptsUnsolicited?: (data: RequestData, backend: BoundBackend) => boolean
  readonly getUserDetails: (response: ProviderResponse, backend: BoundBackend) => UserDetails
  readonly getUserId?: (details: UserDetails, response: ProviderResponse, idKey: string) => unknown
  /** The provider is a verified-email authority (see core's `BackendDefinition`). */
  readonly emailAuthority?: boolean
  readonly isEmailVerified?: (response: ProviderResponse, details: UserDetails) => boolean
  /**
   * Extra start-up checks of settings (beyond KEY and SECRET). `settings` tells which key a
   * value was read from, for an error that names it (`settings.sourceOf(name, backend.name)`).
   */
  readonly setup?: (backend: BoundBackend, settings: SettingsResolver) => void
  /** The fetch for every provider call (tests inject one). */
  readonly fetch?: typeof fetch
}

/** A backend built by {@link defineOAuth2}: a core backend that can also refresh tokens. */
export interface OAuth2Backend extends BackendDefinition {
  readonly spec: OAuth2Spec
  /** The provider configuration (discovered, cached) for these settings. */
  provider(backend: BoundBackend): Promise<ProviderConfiguration>
}

// User data larger than this is not a profile; refuse it rather than buffer it.
const MAX_USER_DATA_BYTES = 1_048_576

type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic'
const CLIENT_AUTH_METHODS: ReadonlySet<unknown> = new Set([
  'client_secret_post',
  'client_secret_basic',
])

/**
 * `TOKEN_ENDPOINT_AUTH_METHOD`, refused at start-up unless it is one we send: any other
 * (`private_key_jwt`, a typo) used to become client_secret_post without a word, sending the
 * secret in a way the provider may not accept, or should not receive.
 */
function clientAuthMethod(
  backend: BoundBackend,
  settings?: SettingsResolver,
): ClientAuthMethod | undefined {
  const method = backend.setting<unknown>('TOKEN_ENDPOINT_AUTH_METHOD')
  if (method === undefined || method === null) return undefined
  if (!CLIENT_AUTH_METHODS.has(method)) {
    throw new InvalidSetting(
      settingSource('TOKEN_ENDPOINT_AUTH_METHOD', backend, settings),
      '"client_secret_post" or "client_secret_basic"',
    )
  }
  return method as ClientAuthMethod
}

function credentials(
  backend: BoundBackend,
  spec: OAuth2Spec,
): {
  clientId: string
  clientSecret: string | undefined
} {
  const clientId = spec.clientId
    ? spec.clientId(backend)
    : backend.setting<string | undefined>('KEY')
  if (!clientId) {
    throw new ImproperlyConfigured(
      `SOCIAL_AUTH_${backend.name.toUpperCase().replace(/-/g, '_')}_KEY is not set`,
      {
        backend: backend.name,
      },
    )
  }
  return { clientId, clientSecret: backend.setting<string | undefined>('SECRET') || undefined }
}

function clientAuthentication(
  method: ClientAuthMethod,
  secret: string | undefined,
): client.ClientAuth {
  if (!secret) return client.None()
  return method === 'client_secret_basic'
    ? client.ClientSecretBasic(secret)
    : client.ClientSecretPost(secret)
}

/** Client authentication with a secret minted per request (see `OAuth2Spec.clientSecret`). */
function mintedClientAuthentication(
  method: ClientAuthMethod,
  mint: () => Promise<string>,
): client.ClientAuth {
  // oauth4webapi awaits client authentication (its own `ClientAuth` may return a Promise);
  // openid-client re-declares the type as returning void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  return async (as, metadata, body, headers) =>
    clientAuthentication(method, await mint())(as, metadata, body, headers)
}

function scopeOf(spec: OAuth2Spec, backend: BoundBackend): string {
  const base = backend.setting<boolean>('IGNORE_DEFAULT_SCOPE') ? [] : (spec.defaultScope ?? [])
  const scopes = [...new Set([...base, ...backend.setting<string[]>('SCOPE', [])])]
  return scopes.join(spec.scopeSeparator ?? ' ')
}

/** PSA `auth_extra_arguments`: configured values, overridable only for allowlisted keys. */
function extraArguments(backend: BoundBackend, data: RequestData): Record<string, string> {
  const configured = backend.setting<Record<string, unknown>>('AUTH_EXTRA_ARGUMENTS', {})
  const allow = new Set(backend.setting<string[]>('AUTH_EXTRA_ARGUMENTS_OVERRIDE_ALLOWLIST', []))
  const args: Record<string, string> = {}
  for (const [key, value] of Object.entries(configured)) {
    args[key] =
      allow.has(key) && typeof data[key] === 'string' && data[key] !== ''
        ? data[key]
        : String(value)
  }
  return args
}

/** Own JSON fields of a token response (openid-client adds helper methods). */
function tokenFields(tokens: object): JsonObject {
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(tokens)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[key] = value
  }
  return out
}

/**
 * Builds a backend from a declarative spec. The protocol is openid-client's: authorization URL,
 * callback validation (state, RFC 9207 `iss`), code exchange with PKCE, id_token claims; this
 * adds the login transaction, id_token signature checks, error mapping and PSA's settings.
 *
 * @example
 * ```ts
 * export const github = (options = {}) => defineOAuth2({
 *   name: 'github',
 *   endpoints: () => ({ issuer: 'https://github.com', authorization: 'https://github.com/login/oauth/authorize',
 *     token: 'https://github.com/login/oauth/access_token', userinfo: 'https://api.github.com/user' }),
 *   userData: ({ fetchJson, provider, accessToken }) => fetchJson(provider.endpoints.userinfo!, { headers: { authorization: `Bearer ${accessToken}` } }),
 *   getUserDetails: (r) => ({ username: String(r.login), email: r.email as string }),
 *   ...options,
 * })
 * ```
 */
export function defineOAuth2(spec: OAuth2Spec): OAuth2Backend {
  const configurations = new Map<string, Promise<ProviderConfiguration>>()

  const fetchOptions = (backend: BoundBackend) => providerFetchOptions(backend, spec.fetch)
  const readerFor = (backend: BoundBackend): ProviderRead => providerRead(fetchOptions(backend))

  async function provider(backend: BoundBackend): Promise<ProviderConfiguration> {
    const endpoints = await spec.endpoints(backend)
    const { clientId, clientSecret } = credentials(backend, spec)
    const method = clientAuthMethod(backend) ?? spec.clientAuth ?? 'client_secret_post'
    const fetchSettings = fetchOptions(backend)
    const timeout = fetchSettings.timeoutSeconds
    // openid-client checks an id_token before our own verification does: it must accept the
    // algorithms and clock skew the settings name, or it refuses (or admits) first.
    const algorithms = spec.openid
      ? backend.setting<string[]>('JWT_ALGORITHMS', ['RS256'])
      : undefined
    const leeway = jwtLeeway(backend)
    const key = JSON.stringify([
      endpoints,
      clientId,
      clientSecret,
      method,
      fetchSettings.userAgent,
      timeout,
      algorithms,
      leeway,
    ])
    let cached = configurations.get(key)
    if (!cached) {
      cached = Promise.resolve().then(async () => {
        const auth = spec.clientSecret
          ? mintedClientAuthentication(method, () => spec.clientSecret!(backend))
          : clientAuthentication(method, clientSecret)
        if (endpoints.discoverFrom) {
          const issuerUrl = new URL(endpoints.discoverFrom)
          const config = await client.discovery(
            issuerUrl,
            clientId,
            { [client.clockTolerance]: leeway },
            auth,
            {
              [client.customFetch]: providerFetch(fetchSettings),
              timeout,
              ...(isLoopback(issuerUrl) && issuerUrl.protocol === 'http:'
                ? { execute: [client.allowInsecureRequests] }
                : {}),
            },
          )
          // The provider fetch applies REQUESTS_TIMEOUT itself (see providerFetch).
          config.timeout = 0
          return { config, endpoints }
        }
        // openid-client holds the callback's RFC 9207 `iss` and the id_token's `iss` to one
        // `issuer`. When the id_token's differs, openid-client gets that one, and `complete`
        // checks the callback's itself, before openid-client sees the callback.
        const splitIssuer = idTokenIssuerOf(endpoints) !== endpoints.issuer
        const server: client.ServerMetadata = {
          issuer: idTokenIssuerOf(endpoints),
          authorization_endpoint: endpoints.authorization,
          token_endpoint: endpoints.token,
          ...(endpoints.userinfo ? { userinfo_endpoint: endpoints.userinfo } : {}),
          ...(endpoints.revocation ? { revocation_endpoint: endpoints.revocation } : {}),
          ...(endpoints.jwks ? { jwks_uri: endpoints.jwks } : {}),
          ...(endpoints.issParameterSupported && !splitIssuer
            ? { authorization_response_iss_parameter_supported: true }
            : {}),
          ...(algorithms ? { id_token_signing_alg_values_supported: algorithms } : {}),
        }
        const config = new client.Configuration(
          server,
          clientId,
          {
            ...(!spec.clientSecret && clientSecret ? { client_secret: clientSecret } : {}),
            [client.clockTolerance]: leeway,
          },
          auth,
        )
        config[client.customFetch] = providerFetch(fetchSettings)
        // The provider fetch applies REQUESTS_TIMEOUT itself (see providerFetch).
        config.timeout = 0
        const urls = [
          endpoints.authorization,
          endpoints.token,
          endpoints.userinfo,
          endpoints.revocation,
          endpoints.jwks,
        ]
        if (
          urls.some(
            (url) => url !== undefined && isLoopback(new URL(url)) && url.startsWith('http:'),
          )
        ) {
          client.allowInsecureRequests(config)
        }
        return { config, endpoints }
      })
      configurations.set(key, cached)
      cached.catch(() => configurations.delete(key))
    }
    return cached
  }

  const usePkce = (backend: BoundBackend): boolean =>
    backend.setting<boolean | undefined>('USE_PKCE') ?? spec.pkce ?? true
  const ttlMs = (backend: BoundBackend): number => backend.setting<number>('STATE_TTL', 600) * 1000

  async function start(call: BackendCall) {
    const { backend } = call
    const { config, endpoints } = await provider(backend).catch((err: unknown) => {
      throw mapProviderError(backend.name, err)
    })
    // 256 bits each, as openid-client's own generators make them (from core's pooled CSPRNG).
    const state = randomToken()
    const codeVerifier = usePkce(backend) ? randomToken() : undefined
    const nonce = spec.openid ? randomToken() : undefined
    const request = spec.openid ? oidcRequestParameters(backend) : undefined
    const maxAge = request?.maxAge
    const fromRequest = spec.authorizationParams?.(call.data, backend) ?? {}
    const params: Record<string, string> = {
      redirect_uri: call.redirectUri,
      response_type: 'code',
      state,
      ...fromRequest,
      ...extraArguments(backend, call.data),
    }
    const scope = scopeOf(spec, backend)
    if (scope) params.scope = scope
    if (codeVerifier) {
      // node:crypto's digest is synchronous: no thread-pool hop on every login (same output).
      params.code_challenge = createHash('sha256').update(codeVerifier).digest('base64url')
      params.code_challenge_method = 'S256'
    }
    if (nonce) params.nonce = nonce
    if (request) Object.assign(params, request.params)
    const tx: LoginTransaction = {
      state,
      backend: backend.name,
      issuer: endpoints.issuer,
      redirectUri: call.redirectUri,
      codeVerifier,
      nonce,
      maxAge,
      next: call.next,
      extra: Object.keys(fromRequest).length > 0 ? fromRequest : undefined,
      createdAt: call.now(),
    }
    saveTransaction(call.strategy.session, tx, ttlMs(backend))
    return redirect(client.buildAuthorizationUrl(config, params).href)
  }

  /** Finds this callback's login; refuses it before any network call when there is none. */
  function transactionFor(call: BackendCall): LoginTransaction | undefined {
    const { backend, data } = call
    const state = data.state
    if (spec.acceptsUnsolicited?.(data, backend)) return undefined
    if (!state) {
      // An error without state still ends the login, with the provider's reason.
      throw (
        callbackError(backend.name, data) ??
        new AuthMissingParameter('state', { backend: backend.name })
      )
    }
    const found = takeTransaction(call.strategy.session, state, call.now(), ttlMs(backend))
    if (found.kind === 'none-pending') throw new AuthStateMissing({ backend: backend.name })
    if (found.kind === 'unknown') throw new AuthStateForbidden({ backend: backend.name })
    const tx = found.transaction
    // A state minted for another backend (or another redirect URI) is a mix-up or a replay.
    if (tx.backend !== backend.name || tx.redirectUri !== call.redirectUri) {
      throw new AuthStateForbidden({ backend: backend.name })
    }
    return tx
  }

  async function complete(call: BackendCall) {
    const { backend, data } = call
    const tx = transactionFor(call)
    const error = callbackError(backend.name, data)
    if (error) throw error
    if (!data.code) throw new AuthMissingParameter('code', { backend: backend.name })

    try {
      const { config, endpoints } = await provider(backend)
      // RFC 9207 mix-up defence: the response must name the issuer this login was sent to.
      if (tx && tx.issuer !== endpoints.issuer)
        throw new AuthIssuerMismatch({ backend: backend.name })
      if (data.iss !== undefined && data.iss !== endpoints.issuer)
        throw new AuthIssuerMismatch({ backend: backend.name })
      if (endpoints.issParameterSupported && data.iss === undefined) {
        throw new AuthIssuerMismatch({ backend: backend.name })
      }
      const currentUrl = new URL(tx?.redirectUri ?? call.redirectUri)
      for (const [key, value] of Object.entries(data)) currentUrl.searchParams.set(key, value)
      // Checked above; openid-client would compare it with the id_token's issuer.
      if (idTokenIssuerOf(endpoints) !== endpoints.issuer) currentUrl.searchParams.delete('iss')

      const checks: client.AuthorizationCodeGrantChecks = {
        expectedState: tx ? tx.state : client.skipStateCheck,
        ...(tx?.codeVerifier ? { pkceCodeVerifier: tx.codeVerifier } : {}),
        ...(spec.openid ? { expectedNonce: tx?.nonce, idTokenExpected: true } : {}),
        ...(tx?.maxAge !== undefined ? { maxAge: tx.maxAge } : {}),
      }
      const grant = await client.authorizationCodeGrant(config, currentUrl, checks)
      const tokens = tokenFields(grant)
      const idTokenClaims =
        typeof tokens.id_token === 'string'
          ? await verifyProviderIdToken({
              idToken: tokens.id_token,
              backend,
              provider: { config, endpoints },
              fetch: spec.fetch,
              expectedIssuer: spec.idTokenIssuer,
              nonce: tx?.nonce,
              now: call.now,
            })
          : undefined
      const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : ''
      const read = readerFor(backend)
      const user = await spec.userData({
        backend,
        accessToken,
        tokens,
        provider: { config, endpoints },
        idTokenClaims,
        callback: data,
        fetchJson: (url, init) => fetchJson(read, url, init),
      })
      const response: ProviderResponse = { ...tokens, ...user, access_token: accessToken }
      if (idTokenClaims) response.id_token_claims = idTokenClaims
      const verified = spec.validateResponse?.({ response, transaction: tx, backend })
      return { response, next: tx?.next, ...(verified ? { context: { ...verified } } : {}) }
    } catch (err) {
      throw mapProviderError(backend.name, err)
    }
  }

  async function revokeToken(call: RevokeCall): Promise<boolean> {
    // Discovery included: a provider that cannot be reached fails the revocation with a code.
    try {
      return await revokeAtProvider(call)
    } catch (err) {
      throw mapProviderError(call.backend.name, err)
    }
  }

  async function revokeAtProvider(call: RevokeCall): Promise<boolean> {
    const { config, endpoints } = await provider(call.backend)
    if (spec.revoke) {
      const read = readerFor(call.backend)
      return spec.revoke({
        backend: call.backend,
        social: call.social,
        provider: { config, endpoints },
        clientId: config.clientMetadata().client_id,
        clientSecret: credentials(call.backend, spec).clientSecret,
        send: async (url, init = {}) =>
          (await readJsonCall(read, url, init, 'POST', MAX_PROVIDER_RESPONSE_BYTES)).status,
      })
    }
    if (!endpoints.revocation) return false
    const token = call.social.extra_data.refresh_token ?? call.social.extra_data.access_token
    if (typeof token !== 'string' || token === '') return false
    await client.tokenRevocation(config, token)
    return true
  }

  return {
    name: spec.name,
    spec,
    provider,
    ...(spec.idKey ? { idKey: spec.idKey } : {}),
    ...(spec.extraData ? { extraData: spec.extraData } : {}),
    ...(spec.requiresEmailValidation ? { requiresEmailValidation: true } : {}),
    ...(spec.callbackParameters ? { callbackParameters: spec.callbackParameters } : {}),
    setup({ backend, settings }) {
      credentials(backend, spec)
      clientAuthMethod(backend, settings)
      usePkce(backend)
      // Refused here, at start-up, rather than at the first login that verifies an id_token.
      idTokenMaxAge(backend, settings)
      if (spec.openid) oidcRequestParameters(backend, settings)
      spec.setup?.(backend, settings)
    },
    start,
    complete,
    getUserDetails: spec.getUserDetails,
    ...(spec.getUserId ? { getUserId: spec.getUserId } : {}),
    ...(spec.isEmailVerified ? { isEmailVerified: spec.isEmailVerified } : {}),
    ...(spec.emailAuthority ? { emailAuthority: true } : {}),
    extraDataFor: spec.extraDataFor
      ? (args) => ({ ...tokenExtraData(args), ...spec.extraDataFor!(args) })
      : tokenExtraData,
    revokeToken,
  }
}

/** A call that expects JSON back, through the provider read (timeout, size limit). */
function readJsonCall(
  read: ProviderRead,
  url: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  defaultMethod: string,
  maxBytes: number,
): Promise<ProviderAnswer> {
  return read(
    url,
    {
      method: init.method ?? defaultMethod,
      headers: { accept: 'application/json', ...init.headers },
      body: init.body,
    },
    maxBytes,
  )
}

/** GET/POST a JSON document from the provider, with coded errors. */
async function fetchJson(
  read: ProviderRead,
  url: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<unknown> {
  const answer = await readJsonCall(read, url, init, 'GET', MAX_USER_DATA_BYTES)
  if (answer.status !== 200) throw new ProviderHttpError(answer.status)
  try {
    return JSON.parse(answer.text) as unknown
  } catch (cause) {
    throw new AuthInvalidResponse('the user data is not JSON', { cause })
  }
}
