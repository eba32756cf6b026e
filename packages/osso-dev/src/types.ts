/**
 * Public configuration and entity types of the dev server. Field names follow
 * `reference/osso.md` §6.2 so a config file written for the spec loads as is.
 */

/** Identity-provider services Osso knows (`graphql/types/identity_provider_service.rb`). */
export type Service = 'AZURE' | 'GOOGLE' | 'OKTA' | 'ONELOGIN' | 'OTHER' | 'PING' | 'SALESFORCE'

/** Identity-provider lifecycle: PENDING → CONFIGURED → ACTIVE after the first login. */
export type IdpStatus = 'PENDING' | 'CONFIGURED' | 'ACTIVE' | 'ERROR'

/**
 * `osso-0.1.2` reproduces the real server's quirks (reusable, unbound, non-expiring codes);
 * `strict` fixes them so negative tests can check RFC 6749 behaviour.
 */
export type Fidelity = 'osso-0.1.2' | 'strict'

/**
 * How a missing record is reported: `production` answers 404 with an empty body,
 * `development` a 500 HTML page, as Sinatra does under each `RACK_ENV`.
 */
export type RackEnv = 'production' | 'development'

/** One allow-listed redirect URI of a client. */
export interface RedirectUriConfig {
  /** The URI, compared exactly (scheme case and default ports aside). */
  uri: string
  /** Target of IdP-initiated logins; at most one per client. */
  primary?: boolean
}

/** An OAuth client (an app that signs users in through Osso). */
export interface ClientConfig {
  /** Display name, e.g. "Demo Production". */
  name: string
  /** The `client_id`. */
  clientId: string
  /** The `client_secret`. */
  clientSecret: string
  /** The redirect-URI allow-list; a bare string is a non-primary URI. */
  redirectUris: (RedirectUriConfig | string)[]
  /**
   * Accept any port on an allow-listed `http://127.0.0.1` or `http://[::1]` URI
   * (RFC 8252 §7.3), so a test app listening on a random port needs no registration.
   * Default `false`; the seeded demo client sets it.
   */
  allowLoopbackAnyPort?: boolean
}

/** A SAML identity provider of an enterprise account. */
export interface IdentityProviderConfig {
  /** UUID; generated when left out. */
  id?: string
  /** The IdP product; `/oauth/me` reports it titlecased (`OKTA` → `Okta`). */
  service: Service
  /** Default `CONFIGURED`; `PENDING` IdPs are never offered at authorize. */
  status?: IdpStatus
  /** The OAuth client this IdP belongs to (each IdP serves exactly one client). */
  clientId: string
}

/** A customer account: a domain and its identity providers. */
export interface EnterpriseConfig {
  /** UUID; generated when left out. */
  id?: string
  /** Display name. */
  name: string
  /** Lowercase domain matching `/^[a-z0-9]+([-.][a-z0-9]+)*\.[a-z]{2,5}$/`. */
  domain: string
  /** The account's IdPs; each inherits the account's domain. */
  identityProviders: IdentityProviderConfig[]
}

/** A user who has signed in before (Osso creates these on first login). */
export interface UserConfig {
  /** UUID, the `id` of `/oauth/me`; generated when left out. */
  id?: string
  /** The email the IdP asserts. */
  email: string
  /** The IdP's own user id (`idp_id` SAML attribute); generated when left out. */
  idpId?: string
  /** Id of the user's identity provider. */
  identityProviderId: string
}

/** The fully resolved configuration the server runs with (every default applied). */
export interface OssoDevConfig {
  /** Public URL of the server, shown on the dashboard and in `/__dev/state`. */
  baseUrl: string
  /** Quirk mode; see {@link Fidelity}. */
  fidelity: Fidelity
  /** Missing-record reporting; see {@link RackEnv}. */
  rackEnv: RackEnv
  /** Authorization-code lifetime (enforced in strict mode only, as in Osso). */
  codeTtlSeconds: number
  /** Access-token lifetime (enforced at `/oauth/me` in both modes). */
  accessTokenTtlSeconds: number
  /** Origins allowed to call `POST /idp` and `POST /graphql` from a browser. */
  corsOrigins: string[]
  /** With an `email` and one resolved IdP, authorize redirects with a code at once. */
  autoLogin: boolean
  /** Check `authenticity_token` on `POST /auth/saml/:id` against the session. */
  csrf: boolean
  /** Serve the `/__dev/*` control API (never part of real Osso). */
  devApi: boolean
  /** OAuth clients. */
  clients: ClientConfig[]
  /** Enterprise accounts and their IdPs. */
  enterprises: EnterpriseConfig[]
  /** Users who exist before the first login. */
  users: UserConfig[]
}

/** Options of {@link createOssoDevServer}; everything is optional. */
export interface OssoDevOptions extends Partial<OssoDevConfig> {
  /**
   * Redirect URIs appended to the first client's allow-list (the demo client in the
   * default seed), so a test can register its own callback without restating the seed.
   */
  extraRedirectUris?: string[]
  /** The clock in epoch milliseconds (default `Date.now`); `/__dev/clock` shifts it. */
  now?: () => number
  /** Key that signs the session cookie; random per process by default. */
  sessionSecret?: string
  /** Called with unexpected internal errors (default `console.error`). */
  onError?: (error: unknown) => void
}

/** The `requested` object of `/oauth/me`: what the app sent to `/oauth/authorize`. */
export interface Requested {
  email: string | null
  domain: string | null
}

/** A client as held in memory. */
export interface Client {
  name: string
  clientId: string
  clientSecret: string
  redirectUris: { uri: string; primary: boolean }[]
  allowLoopbackAnyPort: boolean
}

/** An enterprise account as held in memory. */
export interface Enterprise {
  id: string
  name: string
  domain: string
}

/** An identity provider as held in memory. */
export interface IdentityProvider {
  id: string
  service: Service
  status: IdpStatus
  domain: string
  enterpriseId: string
  clientId: string
}

/** A user as held in memory. */
export interface User {
  id: string
  email: string
  idpId: string
  identityProviderId: string
  enterpriseId: string
}

/** An authorization code as held in memory. */
export interface AuthorizationCode {
  code: string
  /** The IdP's client, not necessarily the one that called authorize (Osso 0.1.2). */
  clientId: string
  redirectUri: string
  requested: Requested | null
  userId: string
  /** Epoch milliseconds. */
  expiresAt: number
  used: boolean
}

/** An access token as held in memory. */
export interface AccessToken {
  token: string
  clientId: string
  userId: string
  requested: Requested | null
  /** Epoch milliseconds. */
  expiresAt: number
  /** The code it was minted from, so strict mode can revoke it when the code is replayed. */
  code: string
}

/** What the SAML callback needs to know about who signed in at the mock IdP. */
export interface MockIdentity {
  email?: string | undefined
  idpId?: string | undefined
  simulate?: Simulation | undefined
}

/** Failures the mock IdP can simulate. */
export type Simulation = 'missing_email' | 'missing_id' | 'saml_error'

/** A one-shot login queued through `POST /__dev/next-login`. */
export interface NextLogin {
  email?: string | undefined
  idpId?: string | undefined
  providerId?: string | undefined
  simulate?: Simulation | undefined
}

/** The OAuth part of a browser session, written by each authorize call. */
export interface OAuthSession {
  redirectUri?: string | undefined
  state?: string | undefined
  requested?: Requested | undefined
  clientId?: string | undefined
  /** Hidden `authenticity_token` value; checked only when `csrf` is on. */
  csrfToken: string
}
