import { describe, expect, it } from '@jest/globals'
import {
  AuthForbidden,
  createSocialAuth,
  DEFAULT_AUTH_PIPELINE,
  memoryStorage,
  MemoryIntegrityError,
  partialStep,
  redirect,
  type PipelineContext,
  type PipelineStep,
} from '../src/index.js'
import {
  complete,
  dummy,
  GITHUB_ACCOUNT,
  location,
  login,
  patchedStorage,
  setup,
} from './helpers.js'

describe('events', () => {
  it('emits auth.started, user.created, account.linked and auth.succeeded for a first login, in order', async () => {
    const t = await setup()
    await login(t)
    expect(t.eventNames()).toEqual([
      'auth.started',
      'user.created',
      'account.linked',
      'auth.succeeded',
    ])
    const [started, created, linked, succeeded] = t.events
    expect(started?.payload).toEqual({ backend: 'dummy' })
    expect(created?.payload).toMatchObject({ backend: 'dummy', user: { username: 'foobar' } })
    expect(linked?.payload).toMatchObject({
      backend: 'dummy',
      social: { provider: 'dummy', uid: '1' },
    })
    expect(succeeded?.payload).toMatchObject({
      backend: 'dummy',
      isNew: true,
      user: { username: 'foobar' },
    })
  })

  it('emits only auth.started and auth.succeeded (isNew false) for a returning user', async () => {
    const t = await setup()
    await login(t)
    t.events.length = 0
    await login(t)
    expect(t.eventNames()).toEqual(['auth.started', 'auth.succeeded'])
    expect(t.events[1]?.payload).toMatchObject({ isNew: false })
  })

  it('emits account.linked, and no auth.succeeded, when a logged-in user links an account', async () => {
    const t = await setup()
    const owner = await t.storage.user.createUser({ username: 'owner' })
    await login(t, { user: owner })
    expect(t.eventNames()).toEqual(['auth.started', 'account.linked'])
  })

  it('emits auth.failed with the coded error when a login fails', async () => {
    const t = await setup({ SOCIAL_AUTH_WHITELISTED_DOMAINS: ['elsewhere.example'] })
    await login(t)
    expect(t.eventNames()).toEqual(['auth.started', 'auth.failed'])
    expect(t.events[1]?.payload).toMatchObject({
      backend: 'dummy',
      error: { code: 'ERR_AUTH_FORBIDDEN' },
    })
  })

  it('emits link.refused with the reason and uid before auth.failed', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        'social_details',
        'social_uid',
        'social_user',
        'associate_by_email',
        'create_user',
      ],
    })
    await t.storage.user.createUser({ username: 'existing', email: 'foo@bar.com' })
    await login(t)
    expect(t.eventNames()).toEqual(['auth.started', 'link.refused', 'auth.failed'])
    expect(t.events[1]?.payload).toEqual({
      backend: 'dummy',
      reason: 'email_not_verified',
      uid: '1',
    })
  })

  it('emits account.disconnected for each removed association', async () => {
    const t = await setup()
    const user = await t.storage.user.createUser({ username: 'u', password: 'hash' })
    await t.storage.user.createSocialAuth(user, '1', 'dummy')
    await t.social.disconnect(t.strategy.request({ method: 'POST' }), 'dummy', { user })
    expect(t.eventNames()).toEqual(['account.disconnected'])
    expect(t.events[0]?.payload).toMatchObject({
      backend: 'dummy',
      user: { username: 'u' },
      social: { uid: '1' },
    })
  })

  it('emits partial.paused and partial.resumed with the step index', async () => {
    const ask = partialStep<PipelineContext>(async (ctx) =>
      ctx.strategy.session.get('ok') ? undefined : redirect('/ask'),
    )
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        'social_details',
        'social_uid',
        ask,
        ...DEFAULT_AUTH_PIPELINE.slice(2),
      ],
    })
    await login(t)
    t.strategy.session.set('ok', true)
    await complete(t, { strategy: t.strategy.request({}) })
    const partials = t.events.filter((e) => e.name.startsWith('partial.'))
    expect(partials).toEqual([
      { name: 'partial.paused', payload: { backend: 'dummy', step: 2 } },
      { name: 'partial.resumed', payload: { backend: 'dummy', step: 2 } },
    ])
  })

  it('drops the queued events of a rolled-back transaction', async () => {
    const fail: PipelineStep = async () => {
      throw new AuthForbidden()
    }
    const t = await setup({ SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, fail] })
    await login(t)
    expect(t.eventNames()).toEqual(['auth.started', 'auth.failed'])
  })

  it('emits user.created once when a lost race is retried in a fresh transaction', async () => {
    let raced = false
    const storage = patchedStorage((inner) => ({
      async createSocialAuth(user, uid, provider) {
        if (!raced) {
          raced = true
          throw new MemoryIntegrityError('social_auth_usersocialauth.provider, uid')
        }
        return inner.user.createSocialAuth(user, uid, provider)
      },
    }))
    const t = await setup({}, { storage })
    expect(location(await login(t))).toBe('/success')
    expect(t.eventNames()).toEqual([
      'auth.started',
      'user.created',
      'account.linked',
      'auth.succeeded',
    ])
  })

  it('reports a throwing listener to onListenerError and still completes the login', async () => {
    const reported: unknown[] = []
    const social = await createSocialAuth({
      settings: { AUTHENTICATION_BACKENDS: [dummy()], LOGIN_REDIRECT_URL: '/success' },
      storage: memoryStorage(),
      onListenerError: (err) => reported.push(err),
    })
    social.events.on('user.created', () => {
      throw new Error('listener bug')
    })
    const logins: unknown[] = []
    const { createTestStrategy } = await import('../src/testing/index.js')
    const strategy = createTestStrategy()
    const started = await social.begin(strategy.request({ method: 'POST' }), 'dummy')
    const state = new URL(location(started)).searchParams.get('state')!
    strategy.request({ query: { code: JSON.stringify(GITHUB_ACCOUNT), state } })
    expect(
      location(
        await social.complete(strategy, 'dummy', { login: (info) => void logins.push(info) }),
      ),
    ).toBe('/success')
    expect(logins).toHaveLength(1)
    expect(reported).toEqual([new Error('listener bug')])
  })

  it('lets a listener unsubscribe', async () => {
    const t = await setup()
    const seen: string[] = []
    const off = t.social.events.on('auth.started', ({ backend }) => seen.push(backend))
    await login(t)
    off()
    await login(t)
    expect(seen).toEqual(['dummy'])
  })

  it('never puts tokens in event payloads: associations come without extra_data', async () => {
    const t = await setup()
    await login(t, { account: { ...GITHUB_ACCOUNT, access_token: 'secret-access-token' } })
    const user = t.logins[0]!.user
    expect((await t.storage.user.getSocialAuth('dummy', '1'))?.extra_data.access_token).toBe(
      'secret-access-token',
    )
    await t.storage.user.updateUser(user, { password: 'hash' })
    await t.social.disconnect(t.strategy.request({ method: 'POST' }), 'dummy', { user })
    expect(t.eventNames()).toEqual([
      'auth.started',
      'user.created',
      'account.linked',
      'auth.succeeded',
      'account.disconnected',
    ])
    const text = JSON.stringify(t.events)
    expect(text).not.toContain('secret-access-token')
    expect(text).not.toContain('extra_data')
    expect(text).not.toContain(
      String(t.strategy.session.get('partial_pipeline_token') ?? '"state"'),
    )
  })
})
