import { randomHex64, uuid } from './random.js'
import type {
  AccessToken,
  AuthorizationCode,
  Client,
  Enterprise,
  IdentityProvider,
  NextLogin,
  OAuthSession,
  OssoDevConfig,
  Requested,
  User,
} from './types.js'

// A dev server left running for days, or a test stuck in a loop, must not grow without
// bound; the oldest records go first, which only ever affects long-abandoned logins.
const MAX_RECORDS = 10_000

/**
 * Everything the server keeps in memory: the seeded entities (mutable, as Osso's database
 * is), issued codes and tokens, browser sessions, the clock offset and the queued
 * next-login. Tests may read and change it directly; `reset()` restores the seed.
 *
 * @example
 * ```ts
 * const osso = createOssoDevServer()
 * osso.state.advanceClock(601)
 * osso.state.addRedirectUri('demo-client-id', 'http://localhost:4000/complete/osso/')
 * ```
 */
export class OssoDevState {
  /** Clients by `client_id`. */
  readonly clients = new Map<string, Client>()
  /** Enterprise accounts by id. */
  readonly enterprises = new Map<string, Enterprise>()
  /** Identity providers by id, in seed order (the order the picker shows them). */
  readonly providers = new Map<string, IdentityProvider>()
  /** Users in creation order. */
  readonly users: User[] = []
  /** Authorization codes by value. */
  readonly codes = new Map<string, AuthorizationCode>()
  /** Access tokens by value. */
  readonly tokens = new Map<string, AccessToken>()
  /** Browser sessions by id. */
  readonly sessions = new Map<string, OAuthSession>()
  /** The login queued by `POST /__dev/next-login`, consumed by the next SAML step. */
  nextLogin: NextLogin | null = null

  private clockOffsetMs = 0
  // Stable IdP-side ids per (provider, email) for the mock IdP; kept across resets, as
  // a real IdP's ids outlive the app's database.
  private readonly idpIdCache = new Map<string, string>()

  constructor(
    private readonly config: OssoDevConfig,
    private readonly clock: () => number = Date.now,
  ) {
    this.reset()
  }

  /** Restores the seed and forgets codes, tokens, sessions, clock offset and next-login. */
  reset(): void {
    this.clients.clear()
    this.enterprises.clear()
    this.providers.clear()
    this.users.length = 0
    this.codes.clear()
    this.tokens.clear()
    this.sessions.clear()
    this.nextLogin = null
    this.clockOffsetMs = 0
    for (const c of this.config.clients) {
      this.clients.set(c.clientId, {
        name: c.name,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        redirectUris: c.redirectUris.map((r) =>
          typeof r === 'string'
            ? { uri: r, primary: false }
            : { uri: r.uri, primary: r.primary === true },
        ),
        allowLoopbackAnyPort: c.allowLoopbackAnyPort === true,
      })
    }
    for (const e of this.config.enterprises) {
      const enterprise: Enterprise = { id: e.id ?? uuid(), name: e.name, domain: e.domain }
      this.enterprises.set(enterprise.id, enterprise)
      for (const p of e.identityProviders) {
        const provider: IdentityProvider = {
          id: p.id ?? uuid(),
          service: p.service,
          status: p.status ?? 'CONFIGURED',
          domain: enterprise.domain,
          enterpriseId: enterprise.id,
          clientId: p.clientId,
        }
        this.providers.set(provider.id, provider)
      }
    }
    for (const u of this.config.users) {
      const provider = this.providers.get(u.identityProviderId)
      if (provider === undefined) continue // resolveConfig already rejected this
      this.users.push({
        id: u.id ?? uuid(),
        email: u.email,
        idpId: u.idpId ?? uuid(),
        identityProviderId: provider.id,
        enterpriseId: provider.enterpriseId,
      })
    }
  }

  /** The server's current time in epoch milliseconds (injected clock plus offset). */
  now(): number {
    return this.clock() + this.clockOffsetMs
  }

  /** Shifts the server clock, e.g. to expire tokens; negative values go back. */
  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000
  }

  /** How far `/__dev/clock` has moved the clock, in seconds. */
  get clockOffsetSeconds(): number {
    return this.clockOffsetMs / 1000
  }

  /** Adds a URI to a client's allow-list at run time (until the next reset). */
  addRedirectUri(clientId: string, uri: string, primary = false): void {
    const client = this.clients.get(clientId)
    if (client === undefined) throw new RangeError(`unknown client ${clientId}`)
    if (primary) for (const r of client.redirectUris) r.primary = false
    const existing = client.redirectUris.find((r) => r.uri === uri)
    if (existing === undefined) client.redirectUris.push({ uri, primary })
    else if (primary) existing.primary = true
  }

  /** The IdP of a user. */
  providerOf(user: User): IdentityProvider | undefined {
    return this.providers.get(user.identityProviderId)
  }

  /** Users of one IdP, in creation order. */
  usersOf(providerId: string): User[] {
    return this.users.filter((u) => u.identityProviderId === providerId)
  }

  /**
   * The IdP-side id the mock IdP asserts for an email: the existing user's, else a UUID
   * that stays the same for the process lifetime, so repeated logins find the same user.
   */
  stableIdpId(providerId: string, email: string): string {
    const existing = this.users.find(
      (u) => u.identityProviderId === providerId && u.email === email,
    )
    if (existing !== undefined) return existing.idpId
    const key = `${providerId}\n${email}`
    let id = this.idpIdCache.get(key)
    if (id === undefined) {
      id = uuid()
      remember(this.idpIdCache, key, id)
    }
    return id
  }

  /** Finds a user by `(email, idp_id)`, optionally only within one IdP, or creates one there. */
  upsertUser(provider: IdentityProvider, email: string, idpId: string, scoped: boolean): User {
    const found = this.users.find(
      (u) =>
        u.email === email && u.idpId === idpId && (!scoped || u.identityProviderId === provider.id),
    )
    if (found !== undefined) return found
    const user: User = {
      id: uuid(),
      email,
      idpId,
      identityProviderId: provider.id,
      enterpriseId: provider.enterpriseId,
    }
    this.users.push(user)
    return user
  }

  /** Creates an authorization code that expires `codeTtlSeconds` from now. */
  issueCode(input: {
    clientId: string
    redirectUri: string
    requested: Requested | null
    userId: string
  }): AuthorizationCode {
    const code: AuthorizationCode = {
      code: randomHex64(),
      ...input,
      expiresAt: this.now() + this.config.codeTtlSeconds * 1000,
      used: false,
    }
    remember(this.codes, code.code, code)
    return code
  }

  /** Mints an access token for the user a code names. */
  issueToken(code: AuthorizationCode): AccessToken {
    const token: AccessToken = {
      token: randomHex64(),
      clientId: code.clientId,
      userId: code.userId,
      requested: code.requested,
      expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000,
      code: code.code,
    }
    remember(this.tokens, token.token, token)
    return token
  }

  /** Deletes every token minted from a code (RFC 6749 §4.1.2 on code replay, strict mode). */
  revokeTokensOf(code: string): void {
    for (const [value, token] of this.tokens) if (token.code === code) this.tokens.delete(value)
  }

  /** Stores a session under a new random id and returns the id. */
  createSession(session: OAuthSession): string {
    const id = randomHex64()
    remember(this.sessions, id, session)
    return id
  }

  /** A JSON-ready dump for `GET /__dev/state`. */
  snapshot(): Record<string, unknown> {
    const iso = (ms: number): string => new Date(ms).toISOString()
    const config = this.config
    return {
      now: iso(this.now()),
      clock_offset_seconds: this.clockOffsetSeconds,
      config: {
        base_url: config.baseUrl,
        fidelity: config.fidelity,
        rack_env: config.rackEnv,
        code_ttl_seconds: config.codeTtlSeconds,
        access_token_ttl_seconds: config.accessTokenTtlSeconds,
        cors_origins: config.corsOrigins,
        auto_login: config.autoLogin,
        csrf: config.csrf,
      },
      clients: [...this.clients.values()].map((c) => ({
        name: c.name,
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: c.redirectUris.map((r) => ({ uri: r.uri, primary: r.primary })),
        allow_loopback_any_port: c.allowLoopbackAnyPort,
      })),
      enterprises: [...this.enterprises.values()].map((e) => ({
        id: e.id,
        name: e.name,
        domain: e.domain,
      })),
      identity_providers: [...this.providers.values()].map((p) => ({
        id: p.id,
        service: p.service,
        status: p.status,
        domain: p.domain,
        enterprise_id: p.enterpriseId,
        client_id: p.clientId,
      })),
      users: this.users.map((u) => ({
        id: u.id,
        email: u.email,
        idp_id: u.idpId,
        identity_provider_id: u.identityProviderId,
        enterprise_id: u.enterpriseId,
      })),
      codes: [...this.codes.values()].map((c) => ({
        code: c.code,
        client_id: c.clientId,
        redirect_uri: c.redirectUri,
        user_id: c.userId,
        requested: c.requested,
        expires_at: iso(c.expiresAt),
        used: c.used,
      })),
      tokens: [...this.tokens.values()].map((t) => ({
        access_token: t.token,
        client_id: t.clientId,
        user_id: t.userId,
        requested: t.requested,
        expires_at: iso(t.expiresAt),
      })),
      sessions: this.sessions.size,
      next_login:
        this.nextLogin === null
          ? null
          : {
              email: this.nextLogin.email ?? null,
              idp_id: this.nextLogin.idpId ?? null,
              provider_id: this.nextLogin.providerId ?? null,
              simulate: this.nextLogin.simulate ?? null,
            },
    }
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value)
  if (map.size > MAX_RECORDS) {
    const oldest = map.keys().next()
    if (oldest.done !== true) map.delete(oldest.value)
  }
}
