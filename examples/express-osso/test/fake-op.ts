import { createHash, randomBytes } from 'node:crypto'
import express from 'express'
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose'
import { listenLoopback } from '../../../test/support/loopback.js'

type SigningKey = Parameters<SignJWT['sign']>[0]

/** How the fake provider misbehaves on the next login (`ok` behaves). */
export type OpMode =
  | 'ok'
  | 'access_denied'
  | 'wrong_iss_parameter'
  | 'token_invalid_grant'
  | 'token_invalid_client'
  | 'token_500'
  | 'token_not_json'
  | 'id_token_bad_signature'
  | 'id_token_wrong_nonce'
  | 'id_token_wrong_audience'
  | 'id_token_wrong_issuer'
  | 'id_token_expired'
  | 'id_token_alg_none'
  | 'userinfo_other_sub'

/** Who the fake provider signs in; change it between logins. */
export interface FakeAccount {
  sub: string
  email: string
  /** What userinfo says of the email (a lax provider says false, or nothing). */
  email_verified: boolean
}

/** A running fake OpenID provider over real HTTP, steerable per login. */
export interface FakeOp {
  readonly issuer: string
  mode: OpMode
  /** The account the next login signs in (default `op-user-1`, `oidc.person@example.org`). */
  account: FakeAccount
  readonly clientId: string
  readonly clientSecret: string
  close(): Promise<void>
}

interface PendingCode {
  readonly nonce: string | undefined
  readonly challenge: string | undefined
  readonly redirectUri: string
}

/**
 * A small OpenID provider for the OIDC backend's error paths: discovery, authorize (answers at
 * once with a code and RFC 9207 `iss`), token (signed id_token, PKCE checked), userinfo, JWKS.
 * `mode` makes one part misbehave the way real providers and attackers do.
 */
export async function startFakeOp(): Promise<FakeOp> {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const other = await generateKeyPair('RS256')
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'op-key', alg: 'RS256', use: 'sig' }
  const codes = new Map<string, PendingCode>()
  const app = express()
  app.use(express.urlencoded({ extended: false }))
  const { url: issuer, close } = await listenLoopback(app)
  const op: FakeOp = {
    issuer,
    mode: 'ok',
    account: { sub: 'op-user-1', email: 'oidc.person@example.org', email_verified: true },
    clientId: 'oidc-client',
    clientSecret: 'oidc-secret-value-7f3a9c',
    close,
  }

  const sign = (claims: Record<string, unknown>, key: SigningKey = privateKey, kid = 'op-key') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key)

  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    })
  })
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [jwk] })
  })
  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string>
    const back = new URL(q.redirect_uri ?? '')
    back.searchParams.set('state', q.state ?? '')
    if (op.mode === 'access_denied') {
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set('error_description', 'The user said <b>no</b>')
    } else {
      const code = randomBytes(16).toString('hex')
      codes.set(code, {
        nonce: q.nonce,
        challenge: q.code_challenge,
        redirectUri: q.redirect_uri ?? '',
      })
      back.searchParams.set('code', code)
    }
    back.searchParams.set(
      'iss',
      op.mode === 'wrong_iss_parameter' ? 'https://evil.example' : issuer,
    )
    res.redirect(302, back.href)
  })
  app.post('/token', async (req, res) => {
    const body = req.body as Record<string, string>
    const pending = codes.get(body.code ?? '')
    codes.delete(body.code ?? '')
    const verifier = body.code_verifier ?? ''
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    if (
      body.client_id !== op.clientId ||
      body.client_secret !== op.clientSecret ||
      op.mode === 'token_invalid_client'
    ) {
      res.status(401).json({ error: 'invalid_client' })
      return
    }
    if (
      !pending ||
      pending.challenge !== challenge ||
      pending.redirectUri !== body.redirect_uri ||
      op.mode === 'token_invalid_grant'
    ) {
      res
        .status(400)
        .json({ error: 'invalid_grant', error_description: 'code <script>bad</script>' })
      return
    }
    if (op.mode === 'token_500') {
      res.status(500).type('html').send('<h1>Internal Server Error</h1>')
      return
    }
    if (op.mode === 'token_not_json') {
      res.status(200).type('html').send('<html>not json</html>')
      return
    }
    const now = Math.floor(Date.now() / 1000)
    const claims: Record<string, unknown> = {
      iss: op.mode === 'id_token_wrong_issuer' ? 'https://evil.example' : issuer,
      sub: op.account.sub,
      aud: op.mode === 'id_token_wrong_audience' ? 'someone-else' : op.clientId,
      iat: now,
      exp: op.mode === 'id_token_expired' ? now - 600 : now + 300,
      nonce: op.mode === 'id_token_wrong_nonce' ? 'not-the-nonce' : pending.nonce,
      email: op.account.email,
    }
    let idToken: string
    if (op.mode === 'id_token_bad_signature') idToken = await sign(claims, other.privateKey)
    else if (op.mode === 'id_token_alg_none') {
      const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
      idToken = `${part({ alg: 'none' })}.${part(claims)}.`
    } else idToken = await sign(claims)
    res.set('Cache-Control', 'no-store').json({
      access_token: `at-${randomBytes(12).toString('hex')}`,
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
    })
  })
  app.get('/userinfo', (_req, res) => {
    res.json({
      sub: op.mode === 'userinfo_other_sub' ? `${op.account.sub}-other` : op.account.sub,
      email: op.account.email,
      email_verified: op.account.email_verified,
      name: 'Oidc Person',
      preferred_username: 'oidcperson',
    })
  })
  return op
}
