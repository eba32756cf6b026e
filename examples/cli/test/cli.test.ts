import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestBrowser, findForm } from '@social-auth/express/testing'
import { createApp as createResourceServer } from '../../resource-server/src/index.js'
import {
  listen,
  queueOssoLogin,
  startStack,
  submitEmail,
  confirmUsername,
  type Stack,
} from '../../express-osso/test/support.js'
import { loadCredentials, run, type CliSettings } from '../src/index.js'

// Issue 6: the CLI signs its user in through the browser (RFC 8252 loopback + PKCE) against the
// real example app and osso-dev, then calls the resource server with the token it got. The
// test plays the browser over HTTP.
let stack: Stack
let api: { url: string; close(): Promise<void> }
let home: string

beforeAll(async () => {
  stack = await startStack()
  api = await listen(
    createResourceServer({
      JWT_JWKS_URL: `${stack.appUrl}/.well-known/jwks.json`,
      JWT_ISSUER: stack.example.issuer.issuer,
      JWT_AUDIENCE: stack.example.issuer.audience[0],
    }) as never,
  )
  home = await mkdtemp(join(tmpdir(), 'social-auth-cli-'))
})
afterAll(async () => {
  await api.close()
  await stack.close()
  await rm(home, { recursive: true, force: true })
})

const settings = (): CliSettings => ({
  appUrl: stack.appUrl,
  apiUrl: api.url,
  clientId: 'social-auth-cli',
  credentialsFile: join(home, 'social-auth-cli', 'credentials.json'),
  timeoutSeconds: 20,
})

/** What a person does in the browser the CLI opened: sign in, then allow (or deny) the CLI. */
async function playBrowser(
  url: string,
  decision: 'allow' | 'deny',
  email = 'user@example.com',
): Promise<void> {
  const browser = new TestBrowser()
  const toLogin = await browser.get(url)
  expect(toLogin.status).toBe(303)
  const next = new URL(toLogin.location!, stack.appUrl).searchParams.get('next')!
  expect(next.startsWith('/cli/authorize?')).toBe(true)
  await queueOssoLogin(stack.ossoUrl, email)
  const toOsso = await submitEmail(browser, stack.appUrl, email, { next })
  const back = await browser.get(toOsso.location!)
  let done = await browser.get(back.location!)
  if (done.location?.includes('/confirm-username'))
    done = await confirmUsername(browser, stack.appUrl, done)
  expect(new URL(done.location!, stack.appUrl).pathname).toBe('/cli/authorize')
  const consent = await browser.get(new URL(done.location!, stack.appUrl).href)
  expect(consent.text).toContain('Allow the social-auth CLI?')
  const form = findForm(consent.text, { action: '/cli/authorize' })
  const answer = await browser.post(new URL(form.action, stack.appUrl).href, {
    ...form.fields,
    decision,
  })
  expect(answer.location!.startsWith('http://127.0.0.1:')).toBe(true)
  await fetch(answer.location!)
}

describe('the CLI signs in through the browser and calls the API', () => {
  it('logs in, saves the token with mode 0600, and the API accepts it', async () => {
    const lines: string[] = []
    const code = await run(['login'], settings(), {
      openUrl: (url) => playBrowser(url, 'allow'),
      print: (line) => void lines.push(line),
    })
    expect(lines.at(-1)).toBe('Signed in as user@example.com')
    expect(code).toBe(0)
    const file = settings().credentialsFile
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const credentials = await loadCredentials(file)
    expect(credentials?.accessToken.split('.')).toHaveLength(3)

    const who: string[] = []
    expect(await run(['whoami'], settings(), { print: (line) => void who.push(line) })).toBe(0)
    expect(who).toEqual(['user@example.com'])

    const me: string[] = []
    expect(await run(['api'], settings(), { print: (line) => void me.push(line) })).toBe(0)
    expect(JSON.parse(me[0]!)).toMatchObject({
      tenant_id: 'example.com',
      workspace_id: 'example.com',
      scopes: expect.arrayContaining(['read:posts']),
    })

    expect(await run(['logout'], settings(), { print: () => {} })).toBe(0)
    expect(await loadCredentials(file)).toBeUndefined()
  })

  it('ignores callbacks of another state and waits for its own (RFC 6749 §10.12: a web page’s callback must not abort the login)', async () => {
    const forged: number[] = []
    const lines: string[] = []
    const code = await run(['login'], settings(), {
      async openUrl(url) {
        // What any web page can make the browser do while the user signs in: no-cors GETs to
        // the loopback port, with a state of its own or none.
        const loopback = new URL(url).searchParams.get('redirect_uri')!
        for (const query of ['error=x&state=attacker', 'code=stolen&state=', 'code=stolen']) {
          forged.push((await fetch(`${loopback}?${query}`)).status)
        }
        await playBrowser(url, 'allow')
      },
      print: (line) => void lines.push(line),
    })
    expect(forged).toEqual([400, 400, 400])
    expect(lines.at(-1)).toBe('Signed in as user@example.com')
    expect(code).toBe(0)
    expect(await run(['logout'], settings(), { print: () => {} })).toBe(0)
  })

  it('reports a denied consent and saves nothing', async () => {
    const lines: string[] = []
    const code = await run(['login'], settings(), {
      openUrl: (url) => playBrowser(url, 'deny'),
      print: (line) => void lines.push(line),
    })
    expect(code).toBe(1)
    expect(lines.at(-1)).toContain('access_denied')
    expect(await loadCredentials(settings().credentialsFile)).toBeUndefined()
  })

  it('tells a signed-out user what to type, by the name they started it with', async () => {
    const lines: string[] = []
    const signedOut = { ...settings(), credentialsFile: join(home, 'nobody', 'credentials.json') }
    const print = (line: string): void => void lines.push(line)
    expect(
      await run(['whoami'], signedOut, { program: 'node examples/cli/dist/cli.js', print }),
    ).toBe(1)
    expect(await run(['api'], signedOut, { print })).toBe(1)
    expect(await run(['frobnicate'], signedOut, { program: 'node cli.js', print })).toBe(2)
    expect(lines[0]).toBe('Not signed in; run `node examples/cli/dist/cli.js login`.')
    expect(lines[1]).toBe('Not signed in; run `social-auth-cli login`.')
    expect(lines[2]).toMatch(/^usage: node cli\.js <command>/)
  })
})

describe('the native-client routes (RFC 8252, RFC 7636)', () => {
  it('never redirects to a redirect URI that is not a loopback IP literal', async () => {
    for (const redirect of [
      'http://localhost:9999/cb',
      'https://evil.example/cb',
      'http://127.0.0.1.evil.example/cb',
    ]) {
      const url = new URL(`${stack.appUrl}/cli/authorize`)
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'social-auth-cli',
        redirect_uri: redirect,
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
        state: 's',
      }).toString()
      const answer = await fetch(url, { redirect: 'manual' })
      expect(answer.status).toBe(400)
      expect(answer.headers.get('location')).toBeNull()
    }
  })

  const tokenRequest = (fields: Record<string, string>) =>
    fetch(`${stack.appUrl}/cli/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'social-auth-cli',
        ...fields,
      }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })

  /** Signs in, approves, and reads the code off the redirect to the (unopened) loopback port. */
  async function obtainCode(challenge: string, redirectUri: string): Promise<string> {
    const browser = new TestBrowser()
    await queueOssoLogin(stack.ossoUrl, 'user@example.com')
    const toOsso = await submitEmail(browser, stack.appUrl, 'user@example.com')
    const back = await browser.get(toOsso.location!)
    const done = await browser.get(back.location!)
    if (done.location?.includes('/confirm-username'))
      await confirmUsername(browser, stack.appUrl, done)
    const url = new URL(`${stack.appUrl}/cli/authorize`)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'social-auth-cli',
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'st',
    }).toString()
    const consent = await browser.get(url.href)
    const form = findForm(consent.text, { action: '/cli/authorize' })
    const answer = await browser.post(new URL(form.action, stack.appUrl).href, {
      ...form.fields,
      decision: 'allow',
    })
    return new URL(answer.location!).searchParams.get('code')!
  }

  it('refuses an unknown code and an unknown client at the token route', async () => {
    const unknown = await tokenRequest({
      code: 'nope',
      code_verifier: 'v'.repeat(43),
      redirect_uri: 'http://127.0.0.1:1234/callback',
    })
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' })
    const badClient = await tokenRequest({
      client_id: 'someone-else',
      code: 'x',
      code_verifier: 'v'.repeat(43),
      redirect_uri: 'http://127.0.0.1:1234/callback',
    })
    expect(badClient.status).toBe(401)
  })

  it('spends a code on a wrong PKCE verifier, and a good code only once', async () => {
    const verifier = 'a-verifier-that-is-long-enough-for-rfc-7636-s256-checks'
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const redirectUri = 'http://127.0.0.1:45999/callback'
    const first = await obtainCode(challenge, redirectUri)
    const wrong = await tokenRequest({
      code: first,
      code_verifier: 'x'.repeat(43),
      redirect_uri: redirectUri,
    })
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' })
    const late = await tokenRequest({
      code: first,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    })
    expect(late.status).toBe(400)

    const second = await obtainCode(challenge, redirectUri)
    const otherRedirect = await tokenRequest({
      code: second,
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:1/callback',
    })
    expect(await otherRedirect.json()).toMatchObject({ error: 'invalid_grant' })

    const third = await obtainCode(challenge, redirectUri)
    const ok = await tokenRequest({
      code: third,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
    })
    const reused = await tokenRequest({
      code: third,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    })
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' })
  })
})
