/**
 * Threat: a forged or misaddressed id_token or userinfo answer signs someone in. The cases are
 * the OpenID Foundation's RP certification tests for the code flow (test ids in the names),
 * plus RFC 8725 attacks on the id_token's JOSE header, each run over HTTP through the example
 * app's `oidc` backend against a scripted provider. Already proven elsewhere, not repeated:
 * rp-id_token-sig-none, rp-id_token-bad-sig-rs256, rp-id_token-issuer-mismatch,
 * rp-id_token-aud, rp-nonce-invalid, an expired id_token, a future iat, an embedded `jwk`,
 * several audiences without azp, rp-userinfo-bad-sub-claim
 * (packages/oauth/test/callback-rejections.test.ts, examples/express-osso/test/oidc.test.ts);
 * rp-key-rotation-op-sign-key and rp-response_type-code with PKCE and nonce
 * (packages/oauth/test/oidc-provider.test.ts).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { base64url } from 'jose'
import { startScriptedOp, type OpScript, type ScriptedOp } from './support/scripted-op.js'
import {
  TestBrowser,
  errorCode,
  oidcCallback,
  signedInAs,
  startSecurityStack,
  type SecurityStack,
} from './support/stack.js'

// A token openid-client cannot even parse as a signed id_token is refused as an invalid
// response; one it parses but we refuse is a token error. Either way: no login.
const MALFORMED = /^ERR_AUTH_(TOKEN|INVALID_RESPONSE)$/

let op: ScriptedOp
let stack: SecurityStack
/** Hosts a JWKS of the provider's unpublished ("rogue") key, and counts who fetches it. */
let attackerJwks: { url: string; hits: () => number; close(): Promise<void> }

beforeAll(async () => {
  op = await startScriptedOp()
  stack = await startSecurityStack({ op })
  let hits = 0
  const server: Server = createServer((_req, res) => {
    hits += 1
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: [op.keys.rogue.jwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  attackerJwks = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
})
afterAll(async () => {
  await stack.close()
  await op.close()
  await attackerJwks.close()
})

/** One login whose provider follows `script`; answers the callback's response. */
async function loginWith(target: { op: ScriptedOp; stack: SecurityStack }, script: OpScript) {
  target.op.reset()
  target.op.account = { sub: `sub-${Math.random().toString(36).slice(2)}`, email: 'x@example.org' }
  target.op.script = script
  const browser = new TestBrowser()
  const users = await target.stack.count('users')
  const response = await browser.get(await oidcCallback(browser, target.stack))
  return { browser, response, users, sub: target.op.account.sub }
}

async function expectRefused(
  target: { op: ScriptedOp; stack: SecurityStack },
  script: OpScript,
  code: string | RegExp = 'ERR_AUTH_TOKEN',
  { userinfoAsked = false } = {},
) {
  const { browser, response, users } = await loginWith(target, script)
  expect(errorCode(response)).toMatch(code)
  // A refused id_token ends the login: the provider is asked nothing more.
  if (!userinfoAsked) expect(target.op.paths()).not.toContain('/userinfo')
  expect(await signedInAs(browser, target.stack)).toBeUndefined()
  expect(await target.stack.count('users')).toBe(users)
}

async function expectAccepted(target: { op: ScriptedOp; stack: SecurityStack }, script: OpScript) {
  const { response, sub } = await loginWith(target, script)
  expect(response.location).toContain('/confirm-username?partial_token=')
  expect(errorCode(response)).toBeNull()
  return sub
}

describe('id_token claims (OpenID Connect Core §3.1.3.7)', () => {
  const target = () => ({ op, stack })

  it('refuses an id_token without iat (rp-id_token-iat)', async () => {
    await expectRefused(target(), { idToken: (d) => void delete d.claims.iat })
  })

  it('refuses an id_token without sub (rp-id_token-sub)', async () => {
    await expectRefused(target(), { idToken: (d) => void delete d.claims.sub })
  })

  it('refuses an id_token whose exp is a string, not a NumericDate (RFC 7519 §2, §4.1.4)', async () => {
    await expectRefused(target(), {
      idToken: (d) => void (d.claims.exp = String(d.claims.exp) as never),
    })
  })

  it('refuses an id_token that is not valid yet (nbf in the future, RFC 7519 §4.1.5)', async () => {
    await expectRefused(target(), {
      idToken: (d) => void (d.claims.nbf = Math.floor(Date.now() / 1000) + 3600),
    })
  })

  it('refuses an id_token whose azp names another client (§3.1.3.7 step 5)', async () => {
    await expectRefused(target(), { idToken: (d) => void (d.claims.azp = 'another-client') })
  })

  it('accepts several audiences when azp is this client (§3.1.3.7 steps 3–5)', async () => {
    await expectAccepted(target(), {
      idToken: (d) => {
        d.claims.aud = [op.clientId, 'https://api.example.org']
        d.claims.azp = op.clientId
      },
    })
  })

  it('refuses a token response without the id_token an OpenID login needs (§3.1.3.3)', async () => {
    await expectRefused(target(), {
      tokenResponse: ({ id_token: _dropped, ...rest }) => rest,
    })
  })
})

describe('id_token signatures and JOSE headers (RFC 8725)', () => {
  const target = () => ({ op, stack })

  it('refuses ES256 when only RS256 is configured, though the key is published (rp-id_token-sig-es256; §3.1)', async () => {
    await expectRefused(target(), {
      idToken: (d, keys) => {
        d.header = { alg: 'ES256', kid: 'op-ec' }
        d.key = keys.ec.privateKey
      },
    })
  })

  it('accepts ES256 when JWT_ALGORITHMS names it (openid-client is told the same algorithms)', async () => {
    const es256 = await startSecurityStack({
      op,
      env: { SOCIAL_AUTH_OIDC_JWT_ALGORITHMS: 'ES256' },
    })
    try {
      await expectAccepted(
        { op, stack: es256 },
        {
          idToken: (d, keys) => {
            d.header = { alg: 'ES256', kid: 'op-ec' }
            d.key = keys.ec.privateKey
          },
        },
      )
    } finally {
      await es256.close()
    }
  })

  it('refuses an HS256 id_token MACed with the client secret (rp-id_token-sig-hs256 for a client not registered for it)', async () => {
    await expectRefused(target(), {
      idToken: (d) => {
        d.header = { alg: 'HS256' }
        d.key = new TextEncoder().encode(op.clientSecret)
      },
    })
  })

  it('refuses an HS256 id_token MACed with the provider’s public key (algorithm confusion, §2.1, CVE-2015-9235)', async () => {
    await expectRefused(target(), {
      idToken: (d, keys) => {
        d.header = { alg: 'HS256', kid: 'op-key' }
        d.key = new TextEncoder().encode(JSON.stringify(keys.main.jwk))
      },
    })
  })

  it('refuses an id_token naming its own key set in jku, and never fetches it (§3.10, RFC 7515 §4.1.2)', async () => {
    await expectRefused(target(), {
      idToken: (d, keys) => {
        d.header = { alg: 'RS256', kid: 'op-key', jku: attackerJwks.url }
        d.key = keys.rogue.privateKey
      },
    })
    expect(attackerJwks.hits()).toBe(0)
  })

  it('refuses an id_token naming its certificate in x5u (§3.10, RFC 7515 §4.1.5)', async () => {
    await expectRefused(target(), {
      idToken: (d, keys) => {
        d.header = { alg: 'RS256', kid: 'op-key', x5u: attackerJwks.url }
        d.key = keys.rogue.privateKey
      },
    })
    expect(attackerJwks.hits()).toBe(0)
  })

  it('refuses an id_token with an unknown critical header (RFC 7515 §4.1.11)', async () => {
    await expectRefused(
      target(),
      {
        rawIdToken: (_signed, draft, keys) =>
          keys.main.signRaw(
            { ...draft.header, crit: ['urn:example:unknown'], 'urn:example:unknown': true },
            draft.claims,
          ),
      },
      MALFORMED,
    )
  })

  it('refuses an id_token with an unencoded payload (b64: false, RFC 7797)', async () => {
    await expectRefused(
      target(),
      {
        rawIdToken: (_signed, draft, keys) =>
          keys.main.signRaw({ ...draft.header, b64: false, crit: ['b64'] }, draft.claims),
      },
      MALFORMED,
    )
  })

  it('refuses an id_token signed by an unknown kid after at most one key-set refetch', async () => {
    const before = op.requests.length
    await expectRefused(target(), {
      idToken: (d, keys) => {
        d.header = { alg: 'RS256', kid: 'kid-nobody-published' }
        d.key = keys.rogue.privateKey
      },
    })
    const jwksFetches = op.requests.slice(before).filter((r) => r.path === '/jwks').length
    expect(jwksFetches).toBeLessThanOrEqual(1)
  })

  it('refuses an encrypted token (JWE) where a signed id_token is expected', async () => {
    await expectRefused(
      target(),
      {
        rawIdToken: (signed) => {
          const [h] = signed.split('.')
          const part = (text: string) => base64url.encode(text)
          return `${h}.${part('key')}.${part('iv')}.${part('ct')}.${part('tag')}`
        },
      },
      MALFORMED,
    )
  })
})

describe('userinfo (OpenID Connect Core §5.3)', () => {
  const target = () => ({ op, stack })

  it('refuses a userinfo answer without sub (§5.3.2)', async () => {
    await expectRefused(
      target(),
      { userinfo: ({ sub: _sub, ...rest }) => rest },
      'ERR_AUTH_TOKEN',
      { userinfoAsked: true },
    )
  })

  it('sends the access token in the Authorization header, never in the query (rp-userinfo-bearer-header, RFC 6750 §2.3)', async () => {
    await expectAccepted(target(), {})
    const userinfo = op.requests.find((r) => r.path === '/userinfo')!
    expect(userinfo.headers.authorization).toMatch(/^Bearer at-/)
    expect([...userinfo.query.keys()]).toEqual([])
    expect(userinfo.body.get('access_token')).toBeNull()
  })
})

describe('id_tokens without a kid (rp-id_token-kid-absent-*)', () => {
  it('accepts a kid-less id_token when the provider publishes one key (rp-id_token-kid-absent-single-jwks)', async () => {
    const single = await startScriptedOp({ publish: ['main'] })
    const singleStack = await startSecurityStack({ op: single })
    try {
      await expectAccepted(
        { op: single, stack: singleStack },
        { idToken: (d) => void delete d.header.kid },
      )
    } finally {
      await singleStack.close()
      await single.close()
    }
  })

  it('refuses a kid-less id_token when several keys are published, whichever signed it (rp-id_token-kid-absent-multiple-jwks)', async () => {
    // OIDF allows either trying every key or refusing; refusing is what oauth4webapi does too
    // ("a kid JWT Header Parameter is required"), and it never guesses.
    const multi = await startScriptedOp({ publish: ['main', 'second'] })
    const multiStack = await startSecurityStack({ op: multi })
    const target = { op: multi, stack: multiStack }
    try {
      for (const signer of ['second', 'rogue'] as const) {
        await expectRefused(target, {
          idToken: (d, keys) => {
            d.header = { alg: 'RS256' }
            d.key = keys[signer].privateKey
          },
        })
      }
      // With its kid, the same token is accepted: the refusal is about the missing kid.
      await expectAccepted(target, {
        idToken: (d, keys) => {
          d.header = { alg: 'RS256', kid: 'op-key-2' }
          d.key = keys.second.privateKey
        },
      })
    } finally {
      await multiStack.close()
      await multi.close()
    }
  })
})
