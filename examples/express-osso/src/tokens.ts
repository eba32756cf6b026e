import type { Express, Request } from 'express'
import type { JWK } from 'jose'
import { ImproperlyConfigured, type SocialAuth, type User } from '@social-auth/core'
import {
  bodyField,
  clientAddress,
  nativeClientRouter,
  type NativeClient,
  type SocialAuthExpress,
} from '@social-auth/express'
import {
  createIssuer,
  sendBearerError,
  TokenInvalid,
  type MintOptions,
  type TokenIssuer,
} from '@social-auth/jwt'
import type { ExampleConfig } from './config.js'

/** The CLI example's client id (examples/cli). */
export const CLI_CLIENT: NativeClient = { id: 'social-auth-cli', name: 'the social-auth CLI' }

/** The resource-server example's identifier, the default audience of the app's tokens. */
export const DEFAULT_API_AUDIENCE = 'http://localhost:8001'

/**
 * The app's own token issuer (DESIGN.md: `/user/token`, `/.well-known/jwks.json`). Its `iss` is
 * the app's public URL. Keys are generated at start-up unless `APP_SIGNING_KEYS` holds a JSON
 * array of private JWKs (every app node must then share them).
 */
export async function appIssuer(
  config: ExampleConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<TokenIssuer> {
  const keys = env.APP_SIGNING_KEYS?.trim()
  return createIssuer({
    issuer: (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, ''),
    audience: env.API_AUDIENCE?.trim() || DEFAULT_API_AUDIENCE,
    ...(keys ? { privateKeys: signingKeys(keys) } : {}),
  })
}

/** The Osso backend's name in this app: its associations carry the verified tenant. */
const OSSO_BACKEND = 'osso'

// An Osso tenant is a domain name (Osso's own rule for them); nothing else is taken as one, so
// a tenant can never spell a personal workspace (`user:<id>`).
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/

/**
 * The user's company, as a login checked it: the tenant the osso backend recorded on the user's
 * Osso associations (`extra_data.tenant`: the domain Osso routed the login to, which the
 * identity provider's asserted email had to belong to). Never the user's email: a backend that
 * does not verify emails (the generic `oidc` one) would let anyone name any company. Undefined
 * when no association carries one, or when they disagree.
 */
async function verifiedTenant(social: SocialAuth, user: User): Promise<string | undefined> {
  const accounts = await social.storage.user.getSocialAuthForUser(user, OSSO_BACKEND)
  const tenants = new Set<string>()
  for (const account of accounts) {
    const tenant = account.extra_data.tenant
    if (typeof tenant === 'string' && DOMAIN.test(tenant)) tenants.add(tenant)
  }
  return tenants.size === 1 ? [...tenants][0] : undefined
}

/**
 * What a user's access token says: the scopes and role of an ordinary user of the example API,
 * and their tenant and workspace. Colleagues whose company sign-in (Osso) checked the same
 * tenant share it, and with it the posts of the resource-server example; anyone else gets a
 * personal tenant and workspace of their own, `user:<id>`.
 */
export async function claimsFor(social: SocialAuth, user: User): Promise<MintOptions> {
  const workspace = (await verifiedTenant(social, user)) ?? `user:${String(user.id)}`
  return {
    sub: String(user.id),
    scopes: ['read:posts', 'write:posts', 'delete:posts'],
    roles: ['user'],
    tenantId: workspace,
    workspaceId: workspace,
  }
}

/**
 * The token routes: the JWKS, `GET /user/token` for the session's user, `GET /user/id` by
 * session or by `Authorization: Bearer` (as the OIDC article's app), and the native-client
 * routes the CLI signs in through (RFC 8252), rate-limited per address and per client.
 */
export function installTokenRoutes(
  app: Express,
  issuer: TokenIssuer,
  social: SocialAuth,
  auth: SocialAuthExpress,
): void {
  app.get('/.well-known/jwks.json', issuer.jwksHandler())
  app.get(
    '/user/token',
    issuer.tokenHandler((req: Request) => (req.user ? claimsFor(social, req.user) : undefined)),
  )

  const verifier = issuer.verifier()
  app.get('/user/id', async (req, res, next) => {
    try {
      res.set('Cache-Control', 'no-store')
      let user: User | null | undefined = req.user
      if (!user) {
        try {
          const claims = await verifier.authenticate(req)
          user = await social.storage.user.getUser(claims.sub)
        } catch (err) {
          sendBearerError(res, err)
          return
        }
      }
      if (!user) {
        sendBearerError(res, new TokenInvalid('The account is not active'))
        return
      }
      res.json({ email: user.email ?? null })
    } catch (err) {
      next(err)
    }
  })

  app.use(
    nativeClientRouter({
      social,
      clients: [CLI_CLIENT],
      mint: async (user, client) =>
        issuer.mint({ ...(await claimsFor(social, user)), clientId: client.id }),
      tokenGuard: auth.rateLimit({
        json: true,
        rules: [
          { name: 'cli-token:ip', limit: 30, windowSeconds: 60, key: clientAddress },
          {
            name: 'cli-token:client',
            limit: 60,
            windowSeconds: 60,
            key: (req) => bodyField(req, 'client_id'),
          },
        ],
      }),
    }),
  )
}

/** `APP_SIGNING_KEYS`: a JSON array of private JWKs (the issuer checks each key itself). */
function signingKeys(json: string): JWK[] {
  let keys: unknown
  try {
    keys = JSON.parse(json)
  } catch {
    keys = undefined
  }
  // An empty list would let each node make its own keys: tokens of one would fail on another.
  if (!Array.isArray(keys) || keys.length === 0)
    throw new ImproperlyConfigured('APP_SIGNING_KEYS must be a JSON array of private JWKs')
  return keys as JWK[]
}
