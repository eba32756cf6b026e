import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Strategy as GitHubStrategy } from 'passport-github2'
import OAuth2Strategy from 'passport-oauth2'
import {
  DEFAULT_AUTH_PIPELINE,
  createSocialAuth,
  createUser,
  memoryStorage,
  partialStep,
  redirect,
  type PipelineContext,
  type PipelineStep,
  type SocialAuth,
  type Settings,
  type User,
} from '@social-auth/core'
import { osso } from '@social-auth/backend-osso'
import {
  createOssoDevServer,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  SEED_USER_ID,
} from '@social-auth/osso-dev'
import { fromPassport, SocialAuthStrategy, type PassportRequest } from '../src/index.js'
import { Browser } from './support/browser.js'
import { startFakeProvider, type FakeAccount } from './support/fake-provider.js'
import { startPassportApp } from './support/passport-app.js'

const ALICE: FakeAccount = {
  id: 1001,
  login: 'alice',
  name: 'Alice Liddell',
  email: 'user@example.com',
  emailVerified: true,
}
const BOB: FakeAccount = {
  id: 1002,
  login: 'bob',
  name: 'Bob Builder',
  email: 'bob@example.com',
  emailVerified: true,
}

type Me = {
  user: { id: string | number; username: string; email: string } | null
  social: { provider: string; uid: string }[]
}
type Failure = { failure: { code: string; message: string; backend: string } }

describe('the passport bridge, both ways, in an express + express-session + passport app', () => {
  let provider: Awaited<ReturnType<typeof startFakeProvider>>
  let ossoDev: Awaited<ReturnType<ReturnType<typeof createOssoDevServer>['listen']>>
  const running: { close(): Promise<void> }[] = []

  beforeAll(async () => {
    provider = await startFakeProvider({ 'gh-client': 'gh-secret', 'acme-client': 'acme-secret' })
    ossoDev = await createOssoDevServer({ fidelity: 'strict', autoLogin: true }).listen(0)
  })
  afterAll(async () => {
    await provider.close()
    await ossoDev.close()
  })
  afterEach(async () => {
    provider.control.deny = false
    provider.control.tokenFailure = undefined
    await Promise.all(running.splice(0).map((server) => server.close()))
  })

  /** passport-github2, configured against the local fake of GitHub. */
  const githubStrategy = (tokenURL = `${provider.url}/login/oauth/access_token`) =>
    new GitHubStrategy(
      {
        clientID: 'gh-client',
        clientSecret: 'gh-secret',
        callbackURL: '/ignored',
        authorizationURL: `${provider.url}/login/oauth/authorize`,
        tokenURL,
        userProfileURL: `${provider.url}/user`,
        userEmailURL: `${provider.url}/user/emails`,
        scope: ['user:email'],
        allRawEmails: true,
      },
      () => undefined,
    )

  /** passport-oauth2 itself, with the profile loader an app writes for its provider. */
  const acmeStrategy = () => {
    const strategy = new OAuth2Strategy(
      {
        clientID: 'acme-client',
        clientSecret: 'acme-secret',
        callbackURL: '/ignored',
        authorizationURL: `${provider.url}/login/oauth/authorize`,
        tokenURL: `${provider.url}/login/oauth/access_token`,
      },
      () => undefined,
    )
    strategy.name = 'acme'
    strategy.userProfile = (accessToken, done) => {
      fetch(`${provider.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })
        .then(async (res) =>
          res.ok
            ? ((await res.json()) as Record<string, unknown>)
            : Promise.reject(new Error(`HTTP ${res.status}`)),
        )
        .then(
          (json) =>
            done(null, {
              provider: 'acme',
              id: String(json.sub),
              displayName: String(json.name),
              emails: [{ value: String(json.email), verified: json.email_verified }],
            }),
          (err: Error) => done(err),
        )
    }
    return strategy
  }

  /** The default pipeline with `step` just before `before`. */
  function pausedBefore(before: PipelineStep, step: PipelineStep): PipelineStep[] {
    const pipeline = [...DEFAULT_AUTH_PIPELINE]
    pipeline.splice(pipeline.indexOf(before), 0, step)
    return pipeline
  }

  /** PSA's @partial_step: ask new users to accept the terms before the account is created. */
  const acceptTerms = partialStep<PipelineContext>(async ({ request, user, current_partial }) =>
    !user && request.terms !== 'yes'
      ? redirect(`/terms?partial_token=${current_partial!.token}`)
      : undefined,
  )

  /** Linking GitHub asks for a confirmation first (`confirm=yes` on the resume). */
  const confirmLink = partialStep<PipelineContext>(async ({ backend, request, current_partial }) =>
    backend.name === 'github' && request.confirm !== 'yes'
      ? redirect(`/terms?partial_token=${current_partial!.token}`)
      : undefined,
  )

  async function start(
    settings: Settings = {},
    options: {
      stock?: boolean
      github?: GitHubStrategy
      requestVerified?: (req: PassportRequest) => boolean
    } = {},
  ) {
    const social: SocialAuth = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [
          osso(),
          fromPassport(options.github ?? githubStrategy(), { emailAuthority: true }),
          fromPassport(acmeStrategy()),
        ],
        SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
        SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
        SOCIAL_AUTH_OSSO_BASE_URL: ossoDev.url,
        LOGIN_REDIRECT_URL: '/me',
        ...settings,
      },
      storage: memoryStorage(),
    })
    const app = await startPassportApp(social, options)
    running.push(app)
    return { social, app }
  }

  async function signIn(browser: Browser, app: { url: string }, backend: string, as?: FakeAccount) {
    provider.control.signInAs = as
    const query = backend === 'osso' ? '?email=user@example.com' : ''
    return browser.get(`${app.url}/auth/${backend}${query}`)
  }

  it('runs passport.authenticate("osso"): the Osso backend and the pipeline sign the user in to a passport session', async () => {
    const { app } = await start()
    const browser = new Browser()
    const page = await signIn(browser, app, 'osso')
    expect(page.visited.some((url) => url.startsWith(ossoDev.url))).toBe(true)
    const me = JSON.parse(page.text) as Me
    expect(me.user).toMatchObject({ username: 'user@example.com', email: 'user@example.com' })
    expect(me.social).toEqual([{ provider: 'osso', uid: SEED_USER_ID }])
    // deserializeUser loads the user from social-auth's storage on the next request.
    expect((await browser.json<Me>(`${app.url}/me`)).user?.id).toBe(me.user?.id)
  })

  it('runs passport-github2 against a local GitHub as a social-auth backend: profile → uid, details, extra_data', async () => {
    const { app, social } = await start()
    const page = await signIn(new Browser(), app, 'github', BOB)
    const me = JSON.parse(page.text) as Me
    expect(me.user).toMatchObject({ username: 'bob', email: 'bob@example.com' })
    expect(me.social).toEqual([{ provider: 'github', uid: '1002' }])
    const account = await social.storage.user.getSocialAuth('github', '1002')
    expect(account?.extra_data).toMatchObject({ id: '1002', username: 'bob', token_type: 'bearer' })
    expect(account?.extra_data.access_token).toEqual(expect.stringMatching(/^gho_/))
    // The bridge adds state and PKCE S256 although the strategy was built with neither.
    const authorization = provider.control.authorizations.at(-1)!
    expect(authorization.get('state')).toMatch(/^\w{32}$/)
    expect(authorization.get('code_challenge_method')).toBe('S256')
    expect(authorization.get('redirect_uri')).toBe(`${app.url}/complete/github/`)
    expect(provider.control.tokenRequests.at(-1)?.code_verifier).toMatch(/^[\w-]{43,}$/)
  })

  it('links a GitHub account to the user signed in with Osso instead of creating another user', async () => {
    const { app, social } = await start()
    const browser = new Browser()
    const first = JSON.parse((await signIn(browser, app, 'osso')).text) as Me
    const linked = JSON.parse((await signIn(browser, app, 'github', BOB)).text) as Me
    expect(linked.user?.id).toBe(first.user?.id)
    expect(linked.social).toEqual([
      { provider: 'github', uid: '1002' },
      { provider: 'osso', uid: SEED_USER_ID },
    ])
    expect(await social.storage.user.getUsersByEmail('bob@example.com')).toEqual([])
  })

  it('links a passport-oauth2 account to the user signed in through passport-github2', async () => {
    const { app } = await start()
    const browser = new Browser()
    const first = JSON.parse((await signIn(browser, app, 'github', BOB)).text) as Me
    const linked = JSON.parse((await signIn(browser, app, 'acme', BOB)).text) as Me
    expect(linked.user?.id).toBe(first.user?.id)
    expect(linked.social.map((s) => `${s.provider}:${s.uid}`)).toEqual([
      'acme:acme-1002',
      'github:1002',
    ])
  })

  it('refuses to link an account that belongs to another user, and keeps the signed-in user', async () => {
    const { app } = await start()
    const owner = JSON.parse((await signIn(new Browser(), app, 'acme', BOB)).text) as Me
    const other = new Browser()
    const signedIn = JSON.parse((await signIn(other, app, 'github', BOB)).text) as Me
    expect(signedIn.user?.id).not.toBe(owner.user?.id)
    const refused = await signIn(other, app, 'acme', BOB)
    expect(refused.status).toBe(409)
    expect((JSON.parse(refused.text) as Failure).failure).toMatchObject({
      code: 'ERR_AUTH_ALREADY_ASSOCIATED',
      backend: 'acme',
    })
    const me = await other.json<Me>(`${app.url}/me`)
    expect(me.user?.id).toBe(signedIn.user?.id)
    expect(me.social).toEqual([{ provider: 'github', uid: '1002' }])
  })

  it('links by email only for a verified address from a backend marked emailAuthority (associate_by_email)', async () => {
    const pipeline = [
      'social_details',
      'social_uid',
      'auth_allowed',
      'social_user',
      'get_username',
      'associate_by_email',
      'create_user',
      'associate_user',
      'load_extra_data',
      'user_details',
    ]
    const { app } = await start({ SOCIAL_AUTH_PIPELINE: pipeline })
    const existing = JSON.parse((await signIn(new Browser(), app, 'osso')).text) as Me
    const viaGithub = JSON.parse((await signIn(new Browser(), app, 'github', ALICE)).text) as Me
    expect(viaGithub.user?.id).toBe(existing.user?.id)
    // acme is no authority: the same verified address is refused rather than linked.
    const viaAcme = await signIn(new Browser(), app, 'acme', ALICE)
    expect((JSON.parse(viaAcme.text) as Failure).failure.code).toBe('ERR_AUTH_LINK_REFUSED')
  })

  it('turns a denied consent into a coded failure (ERR_AUTH_CANCELED), not a 500', async () => {
    const { app } = await start()
    provider.control.deny = true
    const page = await signIn(new Browser(), app, 'github', BOB)
    expect(page.status).toBe(401)
    expect((JSON.parse(page.text) as Failure).failure.code).toBe('ERR_AUTH_CANCELED')
  })

  it('refuses a callback this browser did not start, and a replayed one, before calling the provider', async () => {
    const { app } = await start()
    const before = provider.control.tokenRequests.length
    const stranger = await new Browser().get(`${app.url}/complete/github/?code=stolen&state=forged`)
    expect((JSON.parse(stranger.text) as Failure).failure.code).toBe('ERR_AUTH_STATE_MISSING')

    const browser = new Browser()
    provider.control.signInAs = BOB
    const started = await browser.get(`${app.url}/auth/github`, 1) // stop at the provider
    expect(started.visited.at(-1)).toContain('/login/oauth/authorize')
    const forged = await browser.get(`${app.url}/complete/github/?code=stolen&state=forged`)
    expect((JSON.parse(forged.text) as Failure).failure.code).toBe('ERR_AUTH_STATE_FORBIDDEN')
    expect(provider.control.tokenRequests.length).toBe(before)

    const done = await signIn(browser, app, 'github', BOB)
    const callback = done.visited.find((url) => url.includes('/complete/github/'))!
    const replayed = await browser.get(callback)
    expect(['ERR_AUTH_STATE_MISSING', 'ERR_AUTH_STATE_FORBIDDEN']).toContain(
      (JSON.parse(replayed.text) as Failure).failure.code,
    )
  })

  it.each([
    [
      { status: 400, body: { error: 'invalid_grant', error_description: 'bad code' } },
      'ERR_AUTH_CANCELED',
    ],
    [{ status: 401, body: { error: 'invalid_client' } }, 'ERR_AUTH_TOKEN'],
    [{ status: 502, body: { message: 'bad gateway' } }, 'ERR_AUTH_UNREACHABLE_PROVIDER'],
  ])('maps a token endpoint answering %j to %s', async (failure, code) => {
    const { app } = await start()
    provider.control.tokenFailure = failure
    const page = await signIn(new Browser(), app, 'github', BOB)
    expect(page.status).not.toBe(500)
    expect((JSON.parse(page.text) as Failure).failure.code).toBe(code)
  })

  it('maps an unreachable token endpoint to ERR_AUTH_CONNECTION', async () => {
    const { app } = await start(
      {},
      { github: githubStrategy('http://127.0.0.1:9/login/oauth/access_token') },
    )
    const page = await signIn(new Browser(), app, 'github', BOB)
    expect((JSON.parse(page.text) as Failure).failure.code).toBe('ERR_AUTH_CONNECTION')
  })

  it('logs out, on the next request, a user deactivated in the storage (deserializeUser)', async () => {
    const { app, social } = await start()
    const browser = new Browser()
    const me = JSON.parse((await signIn(browser, app, 'github', BOB)).text) as Me
    const user = (await social.storage.user.getUser(me.user!.id)) as User
    await social.storage.user.updateUser(user, { is_active: false })
    expect((await browser.json<Me>(`${app.url}/me`)).user).toBeNull()
  })

  it('works with passport’s own successRedirect, failureRedirect and failureMessage', async () => {
    const { app } = await start({}, { stock: true })
    const browser = new Browser()
    const success = await signIn(browser, app, 'acme', BOB)
    expect(success.url).toBe(`${app.url}/me`)
    expect((JSON.parse(success.text) as Me).social).toEqual([
      { provider: 'acme', uid: 'acme-1002' },
    ])
    provider.control.deny = true
    const failure = await signIn(new Browser(), app, 'acme', BOB)
    expect(failure.url).toBe(`${app.url}/failed`)
    expect(JSON.parse(failure.text)).toEqual({ messages: [expect.stringContaining('canceled')] })
  })

  it('pauses the pipeline at a partial step and resumes it through passport.authenticate', async () => {
    const pipeline = pausedBefore(createUser, acceptTerms)
    const { app } = await start({ SOCIAL_AUTH_PIPELINE: pipeline })
    const browser = new Browser()
    const paused = await signIn(browser, app, 'github', BOB)
    expect(paused.url).toMatch(/\/terms\?partial_token=/)
    expect((await browser.json<Me>(`${app.url}/me`)).user).toBeNull()
    const { partial_token } = JSON.parse(paused.text) as { partial_token: string }
    const resumeUrl = `${app.url}/complete/github/?partial_token=${partial_token}&terms=yes`
    // A link from elsewhere may not answer the step for the person: it runs without the input
    // and shows its page again.
    const again = await browser.get(resumeUrl, 10, { 'sec-fetch-site': 'cross-site' })
    expect(again.url).toMatch(/\/terms\?partial_token=/)
    expect((await browser.json<Me>(`${app.url}/me`)).user).toBeNull()
    // The terms page's own form, on this site (the step paused anew, under a new token).
    const { partial_token: token } = JSON.parse(again.text) as { partial_token: string }
    const resumed = await browser.get(
      `${app.url}/complete/github/?partial_token=${token}&terms=yes`,
      10,
      { 'sec-fetch-site': 'same-origin' },
    )
    expect(JSON.parse(resumed.text)).toMatchObject({
      user: { username: 'bob' },
      social: [{ provider: 'github', uid: '1002' }],
    })
  })

  it('asks the app whether a resume comes from its own page (requestVerified), e.g. its CSRF check', async () => {
    const pipeline = pausedBefore(createUser, acceptTerms)
    const { app } = await start(
      { SOCIAL_AUTH_PIPELINE: pipeline },
      { requestVerified: (req) => req.headers['x-csrf-token'] === 'valid' },
    )
    const browser = new Browser()
    const paused = await signIn(browser, app, 'github', BOB)
    const { partial_token } = JSON.parse(paused.text) as { partial_token: string }
    const resumeUrl = `${app.url}/complete/github/?partial_token=${partial_token}&terms=yes`
    // Fetch Metadata alone no longer decides: the app's own check does.
    const again = await browser.get(resumeUrl, 10, { 'sec-fetch-site': 'same-origin' })
    expect(again.url).toMatch(/\/terms\?partial_token=/)
    const { partial_token: token } = JSON.parse(again.text) as { partial_token: string }
    const resumed = await browser.get(
      `${app.url}/complete/github/?partial_token=${token}&terms=yes`,
      10,
      { 'x-csrf-token': 'valid' },
    )
    expect(JSON.parse(resumed.text)).toMatchObject({ user: { username: 'bob' } })
  })

  it('sends a signed-in user on to a paused step rather than reporting a finished link', async () => {
    // Linking GitHub to an account signed in with Acme asks for a confirmation first.
    const pipeline = pausedBefore(createUser, confirmLink)
    const { app } = await start({ SOCIAL_AUTH_PIPELINE: pipeline }, { stock: true })
    const browser = new Browser()
    expect((await signIn(browser, app, 'acme', BOB)).url).toBe(`${app.url}/me`)
    // passport's successRedirect (/me) would abandon the paused link.
    const paused = await signIn(browser, app, 'github', BOB)
    expect(paused.url).toMatch(/\/terms\?partial_token=/)
    const { partial_token } = JSON.parse(paused.text) as { partial_token: string }
    const linked = await browser.get(
      `${app.url}/complete/github/?partial_token=${partial_token}&confirm=yes`,
      10,
      { 'sec-fetch-site': 'same-origin' },
    )
    expect(linked.url).toBe(`${app.url}/me`)
    expect((JSON.parse(linked.text) as Me).social).toEqual([
      { provider: 'acme', uid: 'acme-1002' },
      { provider: 'github', uid: '1002' },
    ])
  })

  it('reports in req.authInfo a new association when a signed-in user links an account they did not have', async () => {
    const { app } = await start()
    const browser = new Browser()
    await signIn(browser, app, 'acme', BOB)
    expect(await browser.json(`${app.url}/auth-info`)).toMatchObject({
      backend: 'acme',
      social: { provider: 'acme', uid: 'acme-1002' },
      isNew: true,
      newAssociation: true,
      linked: false,
    })
    await signIn(browser, app, 'github', BOB)
    expect(await browser.json(`${app.url}/auth-info`)).toMatchObject({
      backend: 'github',
      social: { provider: 'github', uid: '1002' },
      isNew: false,
      newAssociation: true,
      linked: true,
      redirect: '/me',
    })
  })

  it('reports no new association when a signed-in user links again an account they already have', async () => {
    const { app } = await start()
    const browser = new Browser()
    await signIn(browser, app, 'acme', BOB)
    await signIn(browser, app, 'github', BOB)
    const again = JSON.parse((await signIn(browser, app, 'github', BOB)).text) as Me
    expect(again.social.map((s) => s.provider)).toEqual(['acme', 'github'])
    expect(await browser.json(`${app.url}/auth-info`)).toMatchObject({
      backend: 'github',
      social: { provider: 'github', uid: '1002' },
      isNew: false,
      newAssociation: false,
      linked: true,
    })
    // Signing in afresh with that account is no new association either.
    const fresh = new Browser()
    await signIn(fresh, app, 'github', BOB)
    expect(await fresh.json(`${app.url}/auth-info`)).toMatchObject({
      isNew: false,
      newAssociation: false,
      linked: false,
    })
  })

  it('sends a signed-in user to a paused step’s page even when the pause is not kept in the session', async () => {
    // A link confirmed from an emailed link (any browser): the token is not in the session.
    const confirmByMail = partialStep<PipelineContext>(
      async ({ backend, request, current_partial }) =>
        backend.name === 'github' && request.confirm !== 'yes'
          ? redirect(`/terms?partial_token=${current_partial!.token}`)
          : undefined,
      { saveToSession: false, allowExternalResume: true },
    )
    const pipeline = pausedBefore(createUser, confirmByMail)
    const { app, social } = await start({ SOCIAL_AUTH_PIPELINE: pipeline })
    const browser = new Browser()
    const me = JSON.parse((await signIn(browser, app, 'acme', BOB)).text) as Me
    const paused = await signIn(browser, app, 'github', BOB)
    expect(paused.url).toMatch(/\/terms\?partial_token=/)
    const { partial_token } = JSON.parse(paused.text) as { partial_token: string }
    expect(await social.storage.partial.load(partial_token)).not.toBeNull()
    // Nothing was reported as a success: the last authInfo is still the Acme sign-in's.
    expect(await browser.json(`${app.url}/auth-info`)).toMatchObject({ backend: 'acme' })
    expect(await browser.json<Me>(`${app.url}/me`)).toEqual(me)
  })

  it('finishes an emailed link’s resume through the bridge once the person confirms it', async () => {
    const termsByMail = partialStep<PipelineContext>(
      async ({ request, user, current_partial }) =>
        !user && request.terms !== 'yes'
          ? redirect(`/terms?partial_token=${current_partial!.token}`)
          : undefined,
      { allowExternalResume: true },
    )
    const { app } = await start({ SOCIAL_AUTH_PIPELINE: pausedBefore(createUser, termsByMail) })
    const browser = new Browser()
    const paused = await signIn(browser, app, 'github', BOB)
    const { partial_token } = JSON.parse(paused.text) as { partial_token: string }
    // The emailed link, opened in this browser: core's page asks before anything resumes.
    const asked = await browser.get(
      `${app.url}/complete/github/?partial_token=${partial_token}&terms=yes`,
    )
    expect(asked.text).toContain('Continue signing in?')
    const fields = Object.fromEntries(
      [...asked.text.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    )
    const done = await browser.post(`${app.url}/complete/github/`, fields)
    expect(JSON.parse(done.text)).toMatchObject({
      user: { username: 'bob' },
      social: [{ provider: 'github', uid: '1002' }],
    })
  })

  it('reports a finished link although the session still holds an abandoned pause', async () => {
    const pipeline = pausedBefore(createUser, confirmLink)
    const { app } = await start({ SOCIAL_AUTH_PIPELINE: pipeline })
    const browser = new Browser()
    await signIn(browser, app, 'acme', BOB)
    expect((await signIn(browser, app, 'github', BOB)).url).toMatch(/\/terms\?partial_token=/)
    // The GitHub link is left paused; Osso is linked instead.
    const linked = JSON.parse((await signIn(browser, app, 'osso')).text) as Me
    expect(linked.social.map((s) => s.provider)).toEqual(['acme', 'osso'])
    expect(await browser.json(`${app.url}/auth-info`)).toMatchObject({
      backend: 'osso',
      social: { provider: 'osso', uid: SEED_USER_ID },
      newAssociation: true,
      linked: true,
    })
  })

  it('refuses, at construction, a strategy for a backend the engine does not have', async () => {
    const { social } = await start()
    expect(() => new SocialAuthStrategy({ social, backend: 'nope' })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_BACKEND' }),
    )
  })
})
