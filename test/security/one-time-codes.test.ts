/**
 * One-time codes of two kinds share PSA's `social_auth_code` table: the codes email validation
 * mails, and the CLI's native-client codes (RFC 8252), whose `email` column holds what they are
 * bound to. A provider can assert any "email" — one spelling a CLI binding for someone else's
 * account gets the attacker a mailed code that must not be redeemable at `/cli/token`, and a CLI
 * code must never validate an address. Real parts: a SQLite file, the express routes, the app's
 * own token issuer.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import express from 'express'
import type { Knex } from 'knex'
import { createSocialAuth, RESERVED_CODE_PREFIX, type User } from '@social-auth/core'
import { dummyBackend } from '@social-auth/core/testing'
import { nativeClientRouter, sessionMiddleware, socialAuthExpress } from '@social-auth/express'
import { TestBrowser, findForm } from '@social-auth/express/testing'
import { createIssuer } from '@social-auth/jwt'
import { connectDatabase, knexStorage, migrate } from '@social-auth/storage-knex'
import { listenLoopback, type Loopback } from '../support/loopback.js'

const CLIENT = 'social-auth-cli'
const REDIRECT_URI = 'http://127.0.0.1:5555/callback'

let dir: string
let db: Knex
let server: Loopback
let victim: User
const mailbox: Array<{ email: string; code: string }> = []
// The "email" the provider asserts for the next login, by the callback's code.
const asserted = new Map<string, string>()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'social-auth-codes-'))
  db = connectDatabase(`sqlite:${join(dir, 'app.sqlite3')}`)
  await migrate(db)
  const storage = knexStorage(db)
  victim = await storage.user.createUser({ username: 'admin', email: 'admin@corp.example' })
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [
        dummyBackend({
          response: (code) => ({
            id: `att-${code}`,
            login: `mallory-${code}`,
            email: asserted.get(code),
          }),
        }),
      ],
      SOCIAL_AUTH_PIPELINE: [
        'social_details',
        'social_uid',
        'auth_allowed',
        'social_user',
        'get_username',
        'mail_validation',
        'create_user',
        'associate_user',
        'load_extra_data',
        'user_details',
      ],
      FORCE_EMAIL_VALIDATION: true,
      EMAIL_VALIDATION_URL: '/email-sent',
      EMAIL_VALIDATION_FUNCTION: ({ code }: { code: { code: string; email: string } }) => {
        mailbox.push({ email: code.email, code: code.code })
      },
      LOGIN_REDIRECT_URL: '/done',
      LOGIN_URL: '/',
      LOGIN_ERROR_URL: '/error',
    },
    storage,
  })
  const issuer = await createIssuer({ issuer: 'http://localhost:3000', audience: 'api' })
  const app = express()
  app.use(sessionMiddleware({ secret: 'x'.repeat(32) }))
  app.use(socialAuthExpress(social, { rateLimit: false }).router)
  app.use(
    nativeClientRouter({
      social,
      clients: [{ id: CLIENT, name: 'CLI' }],
      mint: (user) => issuer.mint({ sub: String(user.id) }),
    }),
  )
  server = await listenLoopback(app)
})
afterAll(async () => {
  await server.close()
  await db.destroy()
  rmSync(dir, { recursive: true, force: true })
})

/** The attacker's PKCE pair and the digest of the CLI client and its redirect URI. */
function attackerPkce() {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const digest = createHash('sha256')
    .update(`${CLIENT}\n${REDIRECT_URI}`)
    .digest('base64url')
    .slice(0, 22)
  return { verifier, challenge, digest }
}

/** Signs in at the dummy provider, which asserts `email`; answers the callback's redirect. */
async function loginAsserting(email: string): Promise<string | undefined> {
  const code = randomBytes(6).toString('hex')
  asserted.set(code, email)
  const browser = new TestBrowser()
  const page = await browser.get(`${server.url}/begin/dummy/`, {
    headers: { 'sec-fetch-site': 'same-origin' },
  })
  const form = findForm(page.text, { id: 'social-auth-autopost' })
  const toProvider = await browser.post(new URL(form.action, server.url).href, form.fields)
  const state = new URL(toProvider.location!).searchParams.get('state')!
  const back = await browser.get(`${server.url}/complete/dummy/?state=${state}&code=${code}`)
  return back.location
}

const redeem = (code: string, verifier: string) =>
  fetch(`${server.url}/cli/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: CLIENT,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    }),
  })

describe('email-validation codes and CLI codes are never confusable (audit: CLI code smuggled in an email)', () => {
  it('refuses at /cli/token a mailed code whose address spells a CLI binding for another user', async () => {
    const { verifier, challenge, digest } = attackerPkce()
    const id = String(victim.id)
    const b64 = Buffer.from(id).toString('base64url')
    const spellings = [
      // The binding format before the fix, with extra parts the old decoder ignored.
      `cli|${id}|${challenge}|${digest}|@evil.example`,
      // Today's format behind a space or a letter: not reserved, so mailed.
      ` ${RESERVED_CODE_PREFIX}native-client:${b64}|${challenge}|${digest}`,
      `x${RESERVED_CODE_PREFIX}native-client:${b64}|${challenge}|${digest}@evil.example`,
    ]
    for (const email of spellings) {
      mailbox.length = 0
      expect(new URL((await loginAsserting(email))!, server.url).pathname).toBe('/email-sent')
      expect(mailbox).toEqual([{ email, code: expect.any(String) }])
      const answer = await redeem(mailbox[0]!.code, verifier)
      expect(answer.status).toBe(400)
      expect(await answer.json()).toMatchObject({ error: 'invalid_grant' })
    }
  })

  it('mails no code to an address in the reserved namespace (ERR_INVALID_EMAIL)', async () => {
    const { challenge, digest } = attackerPkce()
    const b64 = Buffer.from(String(victim.id)).toString('base64url')
    for (const email of [
      `${RESERVED_CODE_PREFIX}native-client:${b64}|${challenge}|${digest}`,
      `${RESERVED_CODE_PREFIX}native-client:${b64}|${challenge}|${digest}|@evil.example`,
      `Urn:Social-Auth:anything@evil.example`,
    ]) {
      mailbox.length = 0
      const landed = new URL((await loginAsserting(email))!, server.url)
      expect(landed.pathname).toBe('/error')
      expect(landed.searchParams.get('error')).toBe('ERR_INVALID_EMAIL')
      expect(mailbox).toEqual([])
    }
    const rows = await db<{ email: string }>('social_auth_code').select('email')
    expect(rows.filter((row) => row.email.toLowerCase().startsWith(RESERVED_CODE_PREFIX))).toEqual(
      [],
    )
  })
})
