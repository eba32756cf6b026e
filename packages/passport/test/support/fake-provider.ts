import { createHash, randomBytes } from 'node:crypto'
import express from 'express'
import { listenLoopback } from '../../../../test/support/loopback.js'

/** An account at the fake provider. */
export interface FakeAccount {
  readonly id: number
  readonly login: string
  readonly name: string
  readonly email: string
  readonly emailVerified: boolean
}

interface Grant {
  readonly account: FakeAccount
  readonly clientId: string
  readonly redirectUri: string
  readonly challenge: string | undefined
}

/**
 * A local OAuth 2.0 provider with GitHub's paths and answers (`/login/oauth/authorize`,
 * `/login/oauth/access_token`, `/user`, `/user/emails`) and a generic `/userinfo`. It approves
 * every authorization as `signInAs`, checks the client, the code, the redirect URI and PKCE like
 * a real server, and records what it was sent.
 */
export async function startFakeProvider(clients: Record<string, string>) {
  const grants = new Map<string, Grant>()
  const tokens = new Map<string, FakeAccount>()
  const control = {
    signInAs: undefined as FakeAccount | undefined,
    deny: false,
    tokenFailure: undefined as { status: number; body: unknown } | undefined,
    authorizations: [] as URLSearchParams[],
    tokenRequests: [] as Record<string, string>[],
  }
  const app = express()
  app.get('/login/oauth/authorize', (req, res) => {
    const params = new URLSearchParams(req.url.split('?')[1] ?? '')
    control.authorizations.push(params)
    const redirectUri = params.get('redirect_uri') ?? ''
    const back = new URL(redirectUri)
    if (params.has('state')) back.searchParams.set('state', params.get('state')!)
    if (control.deny || !control.signInAs) {
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set('error_description', 'The user has denied your application access.')
    } else {
      const code = randomBytes(10).toString('hex')
      grants.set(code, {
        account: control.signInAs,
        clientId: params.get('client_id') ?? '',
        redirectUri,
        challenge: params.get('code_challenge') ?? undefined,
      })
      back.searchParams.set('code', code)
    }
    res.redirect(302, back.href)
  })
  app.post('/login/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
    const body = { ...(req.body as Record<string, string>) }
    control.tokenRequests.push(body)
    if (control.tokenFailure) {
      res.status(control.tokenFailure.status).json(control.tokenFailure.body)
      return
    }
    const [basicId, basicSecret] = Buffer.from(
      (req.get('authorization') ?? '').replace(/^Basic /, ''),
      'base64',
    )
      .toString()
      .split(':')
    const clientId = body.client_id ?? basicId ?? ''
    const secret = body.client_secret ?? basicSecret
    const grant = grants.get(body.code ?? '')
    grants.delete(body.code ?? '')
    const verifierOk =
      grant?.challenge === undefined ||
      createHash('sha256')
        .update(body.code_verifier ?? '')
        .digest('base64url') === grant.challenge
    if (clients[clientId] === undefined || clients[clientId] !== secret) {
      res.status(401).json({ error: 'invalid_client' })
    } else if (
      !grant ||
      grant.clientId !== clientId ||
      grant.redirectUri !== body.redirect_uri ||
      !verifierOk
    ) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'The code is wrong.' })
    } else {
      const token = `gho_${randomBytes(12).toString('hex')}`
      tokens.set(token, grant.account)
      res.json({ access_token: token, token_type: 'bearer', scope: 'user:email' })
    }
  })
  const account = (req: express.Request): FakeAccount | undefined =>
    tokens.get((req.get('authorization') ?? '').replace(/^(token|Bearer) /i, ''))
  app.get('/user', (req, res) => {
    const who = account(req)
    if (!who) res.status(401).json({ message: 'Bad credentials' })
    else res.json({ login: who.login, id: who.id, name: who.name, email: null, type: 'User' })
  })
  app.get('/user/emails', (req, res) => {
    const who = account(req)
    if (!who) res.status(401).json({ message: 'Bad credentials' })
    else
      res.json([
        { email: who.email, primary: true, verified: who.emailVerified, visibility: 'public' },
      ])
  })
  app.get('/userinfo', (req, res) => {
    const who = account(req)
    if (!who) res.status(401).json({ error: 'invalid_token' })
    else
      res.json({
        sub: `acme-${who.id}`,
        name: who.name,
        email: who.email,
        email_verified: who.emailVerified,
      })
  })
  const { url, close } = await listenLoopback(app)
  return { url, control, close }
}
