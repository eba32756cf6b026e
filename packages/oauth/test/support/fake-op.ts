import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose'
import { bodyText } from '../../src/testing/fake-fetch.js'

export const ISSUER = 'https://op.example'
export const FAKE_CLIENT_ID = 'fake-client'

type Answer = Response | Promise<Response>

/** What the fake provider does at each endpoint; tests override one piece at a time. */
export interface FakeOpBehaviour {
  token?: (ctx: {
    nonce: string | undefined
    sign: (claims?: JWTPayload, header?: Record<string, unknown>) => Promise<string>
  }) => Answer
  userinfo?: () => Answer
  /** Changes the discovery document (a provider that publishes odd metadata). */
  discovery?: (document: Record<string, unknown>) => Record<string, unknown>
}

/** Like a real fetch, give up when the caller's signal aborts (timeouts). */
function abortable(answer: Answer, signal: AbortSignal | null | undefined): Promise<Response> {
  if (!signal) return Promise.resolve(answer)
  return new Promise((resolve, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        // Reject as fetch does: an error named after the reason (TimeoutError, AbortError).
        const error = new Error('The operation was aborted')
        error.name = (signal.reason as { name?: string } | undefined)?.name ?? 'AbortError'
        reject(error)
      },
      { once: true },
    )
    Promise.resolve(answer).then(resolve, reject)
  })
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * A scriptable OpenID Provider behind an injected fetch, for the failure cases a real provider
 * will not produce (forged, expired or mis-addressed id_tokens, broken endpoints). Records
 * every request so tests can assert that nothing more was asked after a failed check.
 */
export async function fakeOp(behaviour: FakeOpBehaviour = {}) {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'op-key', alg: 'RS256', use: 'sig' }
  const requests: { method: string; url: URL; body: string }[] = []
  let nonce: string | undefined

  const sign = (claims: JWTPayload = {}, header: Record<string, unknown> = {}, key = privateKey) =>
    new SignJWT({ sub: 'user-1', nonce, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'op-key', ...header })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
      .setAudience(claims.aud ?? FAKE_CLIENT_ID)
      .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : undefined)
      .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : '5m')
      .sign(key)

  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input))
    const method = (init.method ?? 'GET').toUpperCase()
    requests.push({ method, url, body: bodyText(init.body) })
    switch (url.pathname) {
      case '/.well-known/openid-configuration': {
        const document = {
          issuer: ISSUER,
          authorization_endpoint: `${ISSUER}/authorize`,
          token_endpoint: `${ISSUER}/token`,
          userinfo_endpoint: `${ISSUER}/userinfo`,
          jwks_uri: `${ISSUER}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }
        return json(behaviour.discovery ? behaviour.discovery(document) : document)
      }
      case '/jwks':
        return json({ keys: [jwk] })
      case '/token':
        if (behaviour.token)
          return abortable(behaviour.token({ nonce, sign: (c, h) => sign(c, h) }), init.signal)
        return json({
          access_token: 'at-1',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: await sign(),
        })
      case '/userinfo':
        if (behaviour.userinfo) return behaviour.userinfo()
        return json({ sub: 'user-1', email: 'user-1@example.com', email_verified: true })
      default:
        return new Response('not found', { status: 404 })
    }
  }) as typeof fetch

  return {
    fetch: fetchImpl,
    requests,
    sign,
    setNonce(value: string | undefined) {
      nonce = value
    },
    json,
  }
}
