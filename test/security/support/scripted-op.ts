/**
 * A small OpenID provider over real HTTP whose every answer a test can script: the claims,
 * header, algorithm and key of the id_token, the token and userinfo answers, the JWKS, the
 * RFC 9207 `iss` of the authorization response, and faults (a hang, an HTML page, a dropped
 * connection). It plays the provider, which is not our code; the app under test talks to it
 * exactly as it would to a real one. It records every request it gets.
 */
import {
  createHash,
  createPrivateKey,
  randomBytes,
  sign as signBytes,
  type JsonWebKey,
} from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  type JWTHeaderParameters,
} from 'jose'

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

/** One key of the provider: jose's private key, its public JWK, and a raw signer. */
export interface OpKey {
  readonly privateKey: PrivateKey
  readonly jwk: JWK
  /**
   * Signs any protected header and claims as a compact JWS (RS256 or ES256), including headers
   * jose refuses to produce (an unknown `crit`, `b64: false`): the provider may be the attacker.
   */
  signRaw(header: Record<string, unknown>, claims: Record<string, unknown>): string
}

/** The provider's keys: `main`, `second` (RS256) and `ec` (ES256) are published, `rogue` is not. */
export interface OpKeys {
  readonly main: OpKey
  readonly second: OpKey
  readonly ec: OpKey
  readonly rogue: OpKey
}

/** A fault an endpoint can show: never answer, answer an HTML page, or drop the connection. */
export type Fault = 'hang' | 'html' | 'drop' | 'status-500'

/** What one id_token looks like before signing. */
export interface IdTokenDraft {
  claims: JWTPayload
  header: JWTHeaderParameters
  key: PrivateKey | Uint8Array
}

/** How the next logins misbehave; {@link ScriptedOp.reset} clears it. */
export interface OpScript {
  /** The `iss` of the authorization response: a value, or `null` to leave it out. */
  authorizeIss?: string | null
  /** Reshapes the id_token (claims, header, key) before it is signed. */
  idToken?: (draft: IdTokenDraft, keys: OpKeys) => void | Promise<void>
  /** Replaces the signed id_token with any string (unsigned, JWE, garbage). */
  rawIdToken?: (signed: string, draft: IdTokenDraft, keys: OpKeys) => string | Promise<string>
  /** Reshapes the token endpoint's JSON answer. */
  tokenResponse?: (body: Record<string, unknown>) => Record<string, unknown>
  /** The userinfo answer (default: the account's claims). */
  userinfo?: (claims: Record<string, unknown>) => Record<string, unknown>
  tokenFault?: Fault
  userinfoFault?: Fault
  jwksFault?: Fault
  discoveryFault?: Fault
}

/** One request the provider received. */
export interface OpRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage['headers']
  readonly body: URLSearchParams
}

/** Options of {@link startScriptedOp}. */
export interface ScriptedOpOptions {
  /** Which keys the JWKS publishes (default `['main', 'second', 'ec']`). */
  readonly publish?: ReadonlyArray<'main' | 'second' | 'ec'>
  /** The client secret (a unique marker in leak tests). */
  readonly clientSecret?: string
  /** Makes the access token of each login (a unique marker in leak tests). */
  readonly accessToken?: () => string
}

/** A running scripted provider. */
export interface ScriptedOp {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  readonly keys: OpKeys
  /** Who the next login signs in. */
  account: Record<string, unknown> & { sub: string }
  script: OpScript
  readonly requests: OpRequest[]
  /** Paths requested since the last {@link ScriptedOp.reset}. */
  paths(): string[]
  /** Clears the script, the account (back to the default) and the request log. */
  reset(): void
  close(): Promise<void>
}

interface PendingCode {
  readonly nonce: string | undefined
  readonly challenge: string | undefined
  readonly redirectUri: string
  readonly account: ScriptedOp['account']
}

const DEFAULT_ACCOUNT = {
  sub: 'op-user-1',
  email: 'op.person@example.org',
  email_verified: true,
  name: 'Op Person',
  preferred_username: 'opperson',
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<OpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const nodeKey = createPrivateKey({
    key: (await exportJWK(privateKey)) as JsonWebKey,
    format: 'jwk',
  })
  return {
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    signRaw(header, claims) {
      const input = `${b64(header)}.${b64(claims)}`
      const signature = signBytes(
        'sha256',
        Buffer.from(input),
        alg === 'ES256' ? { key: nodeKey, dsaEncoding: 'ieee-p1363' } : nodeKey,
      )
      return `${input}.${signature.toString('base64url')}`
    },
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Starts the provider on a loopback port. */
export async function startScriptedOp(options: ScriptedOpOptions = {}): Promise<ScriptedOp> {
  const keys: OpKeys = {
    main: await keyPair('RS256', 'op-key'),
    second: await keyPair('RS256', 'op-key-2'),
    ec: await keyPair('ES256', 'op-ec'),
    rogue: await keyPair('RS256', 'op-key'),
  }
  const published = options.publish ?? ['main', 'second', 'ec']
  const codes = new Map<string, PendingCode>()
  const requests: OpRequest[] = []
  const server: Server = createServer()
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const op: ScriptedOp = {
    issuer,
    clientId: 'security-suite-client',
    clientSecret: options.clientSecret ?? 'security-suite-client-secret-0123456789',
    keys,
    account: { ...DEFAULT_ACCOUNT },
    script: {},
    requests,
    paths: () => requests.map((request) => request.path),
    reset() {
      op.script = {}
      op.account = { ...DEFAULT_ACCOUNT }
      requests.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(JSON.stringify(body))
  }
  /** Plays a fault; true when it answered (or will never answer). */
  const fault = (res: ServerResponse, which: Fault | undefined): boolean => {
    if (which === undefined) return false
    if (which === 'hang') return true
    if (which === 'drop') res.socket?.destroy()
    else if (which === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><html><body><h1>Maintenance</h1></body></html>')
    } else {
      res.writeHead(500, { 'content-type': 'text/html' })
      res.end('<h1>Internal Server Error</h1>')
    }
    return true
  }

  async function signIdToken(pending: PendingCode): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const draft: IdTokenDraft = {
      claims: {
        iss: issuer,
        sub: pending.account.sub,
        aud: op.clientId,
        iat: now,
        exp: now + 300,
        ...(pending.nonce === undefined ? {} : { nonce: pending.nonce }),
        email: pending.account.email,
      },
      header: { alg: 'RS256', kid: 'op-key' },
      key: keys.main.privateKey,
    }
    await op.script.idToken?.(draft, keys)
    const signed = await new SignJWT(draft.claims).setProtectedHeader(draft.header).sign(draft.key)
    return op.script.rawIdToken ? op.script.rawIdToken(signed, draft, keys) : signed
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer)
    const body = new URLSearchParams(req.method === 'POST' ? await readBody(req) : '')
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    })
    const script = op.script
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        if (fault(res, script.discoveryFault)) return
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          authorization_response_iss_parameter_supported: true,
        })
      case '/jwks':
        if (fault(res, script.jwksFault)) return
        return json(res, 200, { keys: published.map((name) => keys[name].jwk) })
      case '/authorize': {
        const q = url.searchParams
        const code = randomBytes(24).toString('base64url')
        codes.set(code, {
          nonce: q.get('nonce') ?? undefined,
          challenge: q.get('code_challenge') ?? undefined,
          redirectUri: q.get('redirect_uri') ?? '',
          account: { ...op.account },
        })
        const back = new URL(q.get('redirect_uri') ?? '')
        back.searchParams.set('code', code)
        back.searchParams.set('state', q.get('state') ?? '')
        const iss = script.authorizeIss === undefined ? issuer : script.authorizeIss
        if (iss !== null) back.searchParams.set('iss', iss)
        res.writeHead(302, { location: back.href })
        res.end()
        return
      }
      case '/token': {
        if (fault(res, script.tokenFault)) return
        const code = body.get('code') ?? ''
        const pending = codes.get(code)
        codes.delete(code)
        if (body.get('client_id') !== op.clientId || body.get('client_secret') !== op.clientSecret)
          return json(res, 401, { error: 'invalid_client' })
        const verifier = body.get('code_verifier') ?? ''
        const challenge = createHash('sha256').update(verifier).digest('base64url')
        if (
          !pending ||
          pending.challenge !== challenge ||
          pending.redirectUri !== body.get('redirect_uri')
        )
          return json(res, 400, { error: 'invalid_grant' })
        const access = options.accessToken?.() ?? `at-${randomBytes(16).toString('hex')}`
        accountsByToken.set(access, pending.account)
        let answer: Record<string, unknown> = {
          access_token: access,
          token_type: 'Bearer',
          expires_in: 300,
          id_token: await signIdToken(pending),
        }
        if (script.tokenResponse) answer = script.tokenResponse(answer)
        return json(res, 200, answer)
      }
      case '/userinfo': {
        if (fault(res, script.userinfoFault)) return
        const auth = req.headers.authorization ?? ''
        const account = accountsByToken.get(auth.replace(/^Bearer /, ''))
        if (!account) {
          res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' })
          res.end()
          return
        }
        const claims = { ...account }
        return json(res, 200, script.userinfo ? script.userinfo(claims) : claims)
      }
      default:
        res.writeHead(404)
        res.end()
    }
  }
  const accountsByToken = new Map<string, ScriptedOp['account']>()

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (process.env.DEBUG_OP) console.error(err)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  return op
}
