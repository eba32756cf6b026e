import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_AUTH_PIPELINE,
  associateByEmail,
  partialStep,
  redirect,
  type PipelineContext,
  type PipelineStep,
} from '../src/index.js'
import { createTestStrategy } from '../src/testing/index.js'
import {
  allUsers,
  complete,
  confirmationFields,
  dummy,
  findUser,
  location,
  login,
  setup,
  type Harness,
} from './helpers.js'

/** PSA's `ask_for_password` test step: pauses until the session holds a password. */
const askForPassword = partialStep<PipelineContext>(async function askForPassword(ctx) {
  const password = ctx.strategy.session.get<string>('password')
  if (password) return { password }
  return redirect('/password')
})

/** Saves the password the partial step collected (PSA's `set_password`). */
const setPassword: PipelineStep = async (ctx) => {
  if (ctx.user && typeof ctx.password === 'string') {
    return { user: await ctx.storage.user.updateUser(ctx.user, { password: ctx.password }) }
  }
  return undefined
}

/**
 * A step resumable from another browser (an emailed link), after confirmation. Written as the
 * README writes one, without a type argument: the context is then a pipeline context.
 */
const askByMail = partialStep(
  async ({ request, current_partial }) => {
    if (request.answer) return { answer: request.answer }
    return redirect(`/check-your-mail?partial_token=${current_partial!.token}`)
  },
  { allowExternalResume: true },
)

const PASSWORD_PIPELINE = [
  ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
  askForPassword,
  ...DEFAULT_AUTH_PIPELINE.slice(5),
  setPassword,
]
const PAUSE_INDEX = 5

const sessionToken = (t: Harness, strategy = t.strategy) =>
  strategy.session.get<string>('partial_pipeline_token')

/** The hidden fields of the external-resume confirmation page. */

describe('partial pipelines (PSA behaviours 50–57, psa.md §2.5)', () => {
  it('stores the paused step’s index, the backend and allow_external_resume false, bound to the session (50)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    expect(location(await login(t))).toBe('/password')
    const token = sessionToken(t)!
    const partial = await t.storage.partial.load(token)
    expect(partial).toMatchObject({
      token,
      backend: 'dummy',
      next_step: PAUSE_INDEX,
      data: { allow_external_resume: false },
    })
    expect(partial?.data.kwargs).toMatchObject({
      uid: '1',
      username: 'foobar',
      is_new: true,
      user: null,
      details: { email: 'foo@bar.com' },
    })
    expect(t.eventNames()).toEqual(['auth.started', 'partial.paused'])
  })

  it('leaves the session alone with saveToSession false, and stores nothing when the step returns an object (50)', async () => {
    let token: string | undefined
    const detached = partialStep<PipelineContext>(
      async (ctx) => {
        token = ctx.current_partial!.token
        return redirect('/elsewhere')
      },
      { saveToSession: false },
    )
    const t = await setup({ SOCIAL_AUTH_PIPELINE: ['social_details', 'social_uid', detached] })
    await login(t)
    expect(sessionToken(t)).toBeUndefined()
    expect(await t.storage.partial.load(token!)).not.toBeNull()

    const passing = partialStep<PipelineContext>(async (ctx) => {
      token = ctx.current_partial!.token
      return { fine: true }
    })
    const u = await setup({ SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, passing] })
    await login(u)
    expect(await u.storage.partial.load(token!)).toBeNull()
    expect(sessionToken(u)).toBeUndefined()
  })

  it('pauses and resumes from the same session at the paused step, then destroys the partial (51)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    const token = sessionToken(t)!
    t.strategy.session.set('password', 'foobar')
    expect(
      location(await complete(t, { strategy: t.strategy.request({ method: 'POST', body: {} }) })),
    ).toBe('/success')
    const user = await findUser(t.storage, 'foobar')
    expect(user?.password).toBe('foobar')
    expect(t.logins.map((l) => [l.user.username, l.isNew])).toEqual([['foobar', true]])
    expect(await t.storage.partial.load(token)).toBeNull()
    expect(sessionToken(t)).toBeUndefined()
    expect(t.eventNames()).toEqual([
      'auth.started',
      'partial.paused',
      'partial.resumed',
      'user.created',
      'account.linked',
      'auth.succeeded',
    ])
  })

  it('resumes with the request token of its own session (51)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    t.strategy.session.set('password', 'foobar')
    t.strategy.request({ query: { partial_token: sessionToken(t)! } })
    expect(location(await complete(t))).toBe('/success')
  })

  it('resumes a logged-in user’s paused link for that user (51, test_associate_with_partial_pipeline)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    const owner = await t.storage.user.createUser({ username: 'owner' })
    await login(t, { user: owner })
    t.strategy.session.set('password', 'secret')
    await complete(t, { user: owner, strategy: t.strategy.request({}) })
    expect(String((await t.storage.user.getSocialAuth('dummy', '1'))?.user_id)).toBe(
      String(owner.id),
    )
    expect((await t.storage.user.getUserAnyState(owner.id))?.password).toBe('secret')
  })

  it('refuses another session’s token and leaves the partial intact (52, test_complete_rejects_cross_session_partial_token)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE, LOGIN_ERROR_URL: '/error' })
    await login(t)
    const victimToken = sessionToken(t)!
    const attacker = createTestStrategy()
    attacker.session.set('password', 'attacker')
    attacker.request({ query: { partial_token: victimToken } })
    expect(location(await complete(t, { strategy: attacker }))).toBe(
      '/error?error=ERR_AUTH_PARTIAL_REFUSED&backend=dummy',
    )
    expect(t.logins).toHaveLength(0)
    expect(await t.storage.partial.load(victimToken)).not.toBeNull()
    expect(await allUsers(t.storage)).toEqual([])
    // The owner can still finish.
    t.strategy.session.set('password', 'foobar')
    expect(location(await complete(t, { strategy: t.strategy.request({}) }))).toBe('/success')
  })

  it('refuses an unknown token without touching the session’s own partial', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    const own = sessionToken(t)!
    t.strategy.request({ query: { partial_token: 'attacker-token' } })
    expect(location(await complete(t))).toBe('/login?error=ERR_AUTH_PARTIAL_REFUSED&backend=dummy')
    expect(await t.storage.partial.load(own)).not.toBeNull()
  })

  it('asks for confirmation before resuming an external-resume partial, storing the pending request (53)', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askByMail,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
      ],
    })
    const paused = location(await login(t))
    const token = new URL(paused, 'http://myapp.com').searchParams.get('partial_token')!
    const partial = await t.storage.partial.load(token)
    expect(partial?.data.allow_external_resume).toBe(true)

    const other = createTestStrategy().request({ query: { partial_token: token, answer: '42' } })
    const page = await complete(t, { strategy: other })
    const fields = confirmationFields(page)
    expect(fields.partial_pipeline_confirm).toBe('1')
    expect(other.session.get('partial_pipeline_pending_token')).toBe(token)
    expect(other.session.get('partial_pipeline_pending_request')).toEqual({
      partial_token: token,
      answer: '42',
    })
    expect((page as { html: string }).html).toContain('action="http://myapp.com/complete/dummy/"')
    expect(t.logins).toHaveLength(0)

    // In the owning session too, a request carrying the token needs the confirmation.
    const own = await complete(t, {
      strategy: t.strategy.request({ query: { partial_token: token, answer: '42' } }),
    })
    expect(own.type).toBe('html')
  })

  it('resumes after a confirmed POST with the pending link data merged with the confirmation (54)', async () => {
    let seen: Record<string, string> | undefined
    const record: PipelineStep = async (ctx) => {
      seen = ctx.request
    }
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askByMail,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
        record,
      ],
    })
    const token = new URL(location(await login(t)), 'http://myapp.com').searchParams.get(
      'partial_token',
    )!
    const other = createTestStrategy().request({ query: { partial_token: token, answer: '42' } })
    const fields = confirmationFields(await complete(t, { strategy: other }))
    other.request({ method: 'POST', body: { ...fields, extra: 'x' } })
    expect(location(await complete(t, { strategy: other }))).toBe('/success')
    expect(seen).toEqual({ partial_token: token, answer: '42', extra: 'x' })
    expect(t.logins).toHaveLength(1)
    expect(await t.storage.partial.load(token)).toBeNull()
    // 56: cleaning the partial drops the pending keys.
    for (const key of [
      'partial_pipeline_pending_token',
      'partial_pipeline_pending_request',
      'partial_pipeline_pending_confirmation',
    ]) {
      expect(other.session.get(key)).toBeUndefined()
    }
  })

  it.each([
    ['a GET', (fields: Record<string, string>) => ({ method: 'GET', query: fields })],
    [
      'a wrong nonce',
      (fields: Record<string, string>) => ({
        method: 'POST',
        body: { ...fields, partial_pipeline_confirm_nonce: 'forged' },
      }),
    ],
  ])('halts an external resume whose confirmation is %s (54)', async (_label, request) => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askByMail,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
      ],
    })
    const token = new URL(location(await login(t)), 'http://myapp.com').searchParams.get(
      'partial_token',
    )!
    const other = createTestStrategy().request({ query: { partial_token: token, answer: '42' } })
    const fields = confirmationFields(await complete(t, { strategy: other }))
    other.request(request(fields))
    expect(location(await complete(t, { strategy: other }))).toBe(
      '/login?error=ERR_AUTH_PARTIAL_REFUSED&backend=dummy',
    )
    expect(t.logins).toHaveLength(0)
    expect(await t.storage.partial.load(token)).not.toBeNull()
  })

  it('removes the pending-resume session keys when the pending partial is cleaned (56, CleanPartialPipelineTest)', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askByMail,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
      ],
    })
    const token = new URL(location(await login(t)), 'http://myapp.com').searchParams.get(
      'partial_token',
    )!
    const other = createTestStrategy().request({ query: { partial_token: token, answer: '42' } })
    const fields = confirmationFields(await complete(t, { strategy: other }))
    expect(other.session.get('partial_pipeline_pending_token')).toBe(token)
    await t.storage.partial.destroy(token) // gone meanwhile (expired, or used elsewhere)
    other.request({ method: 'POST', body: fields })
    expect(location(await complete(t, { strategy: other }))).toBe(
      '/login?error=ERR_AUTH_PARTIAL_REFUSED&backend=dummy',
    )
    for (const key of [
      'partial_pipeline_pending_token',
      'partial_pipeline_pending_request',
      'partial_pipeline_pending_confirmation',
    ]) {
      expect(other.session.get(key)).toBeUndefined()
    }
  })

  it('drops a session partial whose uid differs from the request’s id key (55)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    const token = sessionToken(t)!
    t.strategy.session.set('password', 'x')
    t.strategy.request({ method: 'POST', body: { id: '2' } })
    await complete(t)
    expect(await t.storage.partial.load(token)).toBeNull()
    expect(sessionToken(t)).toBeUndefined()
    expect(t.logins).toHaveLength(0)
  })

  it('resumes a session partial whose uid matches the request’s id key (55)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    t.strategy.session.set('password', 'x')
    t.strategy.request({ method: 'POST', body: { id: '1' } })
    expect(location(await complete(t))).toBe('/success')
  })

  it('reloads the user associate_by_email found before the pause (57, UserPersistsInPartialPipeline)', async () => {
    const pipeline = [
      ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
      associateByEmail,
      askForPassword,
      ...DEFAULT_AUTH_PIPELINE.slice(5),
      setPassword,
    ]
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: pipeline },
      { backends: [dummy({ emailVerified: true })] },
    )
    const existing = await t.storage.user.createUser({ username: 'foobar1', email: 'foo@bar.com' })
    await login(t)
    expect((await t.storage.partial.load(sessionToken(t)!))?.data.kwargs.user).toBe(existing.id)
    t.strategy.session.set('password', 'pw')
    await complete(t, { strategy: t.strategy.request({}) })
    expect(t.logins.map((l) => [l.user.id, l.isNew])).toEqual([[existing.id, false]])
    expect((await t.storage.user.getUserAnyState(existing.id))?.password).toBe('pw')
  })

  it('runs a fresh provider callback normally instead of resuming the session’s stale partial (social-core#136)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    const stale = sessionToken(t)!
    t.strategy.session.set('password', 'pw')
    expect(location(await login(t, { account: { id: 2, login: 'second' } }))).toBe('/success')
    expect(t.logins.map((l) => l.user.username)).toEqual(['second'])
    expect(await t.storage.partial.load(stale)).toBeNull()
    expect(await findUser(t.storage, 'foobar')).toBeNull()
  })

  it('resumes from the app’s own form even when it has a `code` field (a one-time code) without `state`', async () => {
    const askForOtp = partialStep<PipelineContext>(async function askForOtp(ctx) {
      return ctx.request.code === '123456' ? undefined : redirect('/otp')
    })
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askForOtp,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
      ],
    })
    expect(location(await login(t))).toBe('/otp')
    t.strategy.request({ method: 'POST', body: { code: '000000' } })
    expect(location(await complete(t))).toBe('/otp')
    t.strategy.request({ method: 'POST', body: { code: '123456' } })
    expect(location(await complete(t))).toBe('/success')
  })

  it('runs the paused step without the input of an unverified request (a link, another site’s form): it shows its page again', async () => {
    const seen: string[] = []
    const askForName = partialStep<PipelineContext>(async function askForName(ctx) {
      if (typeof ctx.request.name !== 'string') return redirect('/name')
      seen.push(ctx.request.name)
      return { username: ctx.request.name }
    })
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askForName,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
      ],
    })
    expect(location(await login(t))).toBe('/name')
    // The session's own partial, but not the app's own page: asking "continue?" would not
    // help, the person did start this sign-in and would say yes to the attacker's name.
    t.strategy.request({ method: 'POST', body: { name: 'ceo' }, verified: false })
    expect(location(await complete(t))).toBe('/name')
    expect(seen).toEqual([])
    expect(t.logins).toHaveLength(0)
    // The app's own form (its CSRF token) resumes with its input.
    t.strategy.request({ method: 'POST', body: { name: 'chosen' } })
    expect(location(await complete(t))).toBe('/success')
    expect(seen).toEqual(['chosen'])
  })

  it('resumes a bare token from an unverified request: it carries no input for the step', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t)
    const token = sessionToken(t)!
    t.strategy.session.set('password', 'pw')
    t.strategy.request({ query: { partial_token: token }, verified: false })
    expect(location(await complete(t))).toBe('/success')
  })

  it('takes a request with a backend’s declared callbackParameters for a fresh callback', async () => {
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE },
      { backends: [{ ...dummy(), callbackParameters: ['oauth_token'] }] },
    )
    await login(t)
    const token = sessionToken(t)!
    t.strategy.session.set('password', 'pw')
    t.strategy.request({ query: { oauth_token: 'x' } })
    await complete(t)
    expect(await t.storage.partial.load(token)).toBeNull()
    expect(t.logins).toHaveLength(0)
  })

  it('sends the browser where a step set `next` in the session, over the next the login began with (PSA reads it after the pipeline)', async () => {
    const onboarding: PipelineStep = async (ctx) => {
      if (ctx.is_new) ctx.strategy.session.set('next', '/onboarding')
      return undefined
    }
    const t = await setup({ SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, onboarding] })
    expect(location(await login(t, { body: { next: '/dashboard' } }))).toBe('/onboarding')
    // A returning user: the step leaves next alone, and the login's own next stands.
    expect(location(await login(t, { body: { next: '/dashboard' } }))).toBe('/dashboard')
  })

  it('keeps the login’s next across a pause', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE })
    await login(t, { body: { next: '/after' } })
    t.strategy.session.set('password', 'pw')
    expect(location(await complete(t, { strategy: t.strategy.request({}) }))).toBe('/after')
  })

  it('does not resume a partial older than PARTIAL_PIPELINE_TTL', async () => {
    let clock = Date.UTC(2026, 0, 1)
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: PASSWORD_PIPELINE, PARTIAL_PIPELINE_TTL: 60 },
      { now: () => clock },
    )
    await login(t)
    const token = sessionToken(t)!
    clock += 61_000
    t.strategy.session.set('password', 'pw')
    t.strategy.request({ query: { partial_token: token } })
    expect(location(await complete(t))).toBe('/login?error=ERR_AUTH_PARTIAL_REFUSED&backend=dummy')
    expect(await t.storage.partial.load(token)).toBeNull()
    expect(t.logins).toHaveLength(0)
  })

  it('pauses twice and keeps the second partial when the first resumes into it', async () => {
    const askForSlug = partialStep<PipelineContext>(async function askForSlug(ctx) {
      const slug = ctx.strategy.session.get<string>('slug')
      return slug ? { slug } : redirect('/slug')
    })
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
        askForPassword,
        askForSlug,
        ...DEFAULT_AUTH_PIPELINE.slice(5),
        setPassword,
      ],
    })
    expect(location(await login(t))).toBe('/password')
    const first = sessionToken(t)!
    t.strategy.session.set('password', 'foobar')
    expect(location(await complete(t, { strategy: t.strategy.request({}) }))).toBe('/slug')
    const second = sessionToken(t)!
    expect(second).not.toBe(first)
    expect(await t.storage.partial.load(first)).toBeNull()
    expect((await t.storage.partial.load(second))?.data.kwargs.password).toBe('foobar')
    t.strategy.session.set('slug', 'foo-bar')
    expect(location(await complete(t, { strategy: t.strategy.request({}) }))).toBe('/success')
    expect((await findUser(t.storage, 'foobar'))?.password).toBe('foobar')
  })
})
