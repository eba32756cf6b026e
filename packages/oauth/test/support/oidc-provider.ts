import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import { listenLoopback } from '../../../../test/support/loopback.js'

/** A real, certified OpenID Provider (panva/oidc-provider) on a loopback port. */
export interface TestProvider {
  readonly issuer: string
  readonly port: number
  readonly jwksRequests: () => number
  close(): Promise<void>
}

export const CLIENT_ID = 'social-auth-test'
export const CLIENT_SECRET = 'a-secret-that-is-long-enough-for-hs256-0123456789'

/** An RS256 private JWK with the given kid. */
export async function signingKey(kid: string): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }
}

/**
 * Starts oidc-provider with one confidential client, PKCE required, dev interactions (a login
 * form taking any login) and revocation. `port` reuses an address, so a test can restart the
 * provider with new keys under the same issuer (key rotation). `onRequest` sees every request
 * first (what a client sent); returning true means it answered (or held) the request itself.
 */
export async function startProvider(options: {
  redirectUris: string[]
  keys: Record<string, unknown>[]
  port?: number
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | void
}): Promise<TestProvider> {
  let jwksRequests = 0
  const { server, port, url: issuer, close } = await listenLoopback(createServer(), options.port)
  // oidc-provider warns about its development-only defaults (dev interactions, in-memory
  // adapter), which is exactly what a test wants; keep the test output clean.
  const warn = console.warn
  console.warn = () => {}
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: options.keys as never },
    cookies: { keys: ['test-cookie-key'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    issueRefreshToken: () => true,
    ttl: {
      Interaction: 600,
      Session: 600,
      Grant: 600,
      AccessToken: 600,
      RefreshToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    async findAccount(_ctx: unknown, sub: string) {
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: `${sub}@example.com`,
            email_verified: true,
            preferred_username: sub,
            name: `${sub[0]!.toUpperCase()}${sub.slice(1)} Tester`,
            given_name: sub,
            family_name: 'Tester',
          }
        },
      }
    },
  })
  console.warn = warn
  const callback = provider.callback()
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/jwks')) jwksRequests += 1
    if (options.onRequest?.(req, res) === true) return
    callback(req, res)
  })
  return {
    issuer,
    port,
    jwksRequests: () => jwksRequests,
    close,
  }
}

/**
 * Plays the browser at the provider over HTTP with a cookie jar: follows redirects, submits
 * the dev login form as `login` and the consent form, and returns the URL the provider sends
 * back to the app (the first URL starting with `redirectUri`).
 */
export async function authorizeAtProvider(
  authorizationUrl: string,
  redirectUri: string,
  login: string,
): Promise<URL> {
  const jar = new Map<string, string>()
  const cookieHeader = (): string => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const remember = (response: Response): void => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1))
    }
  }
  let url = authorizationUrl
  let body: URLSearchParams | undefined
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return new URL(url)
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: {
        cookie: cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
      redirect: 'manual',
    })
    remember(response)
    body = undefined
    const location = response.headers.get('location')
    if (location) {
      url = new URL(location, url).href
      continue
    }
    const html = await response.text()
    const action = /action="([^"]+)"/.exec(html)?.[1]
    if (!action)
      throw new Error(`no form at ${url} (HTTP ${response.status}): ${html.slice(0, 300)}`)
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1] ?? 'login'
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt })
    url = new URL(action, url).href
  }
  throw new Error('too many redirects at the provider')
}
