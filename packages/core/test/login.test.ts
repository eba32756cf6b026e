import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_AUTH_PIPELINE,
  memoryStorage,
  MemoryIntegrityError,
  redirect,
  type BackendDefinition,
  type PipelineStep,
  type Storage,
} from '../src/index.js'
import {
  allUsers,
  codeOf,
  dummy,
  findUser,
  GITHUB_ACCOUNT,
  location,
  login,
  patchedStorage,
  setup,
} from './helpers.js'

describe('login and user creation (PSA behaviours 14–22)', () => {
  it('creates the user on the first login, links the account and redirects to LOGIN_REDIRECT_URL (14)', async () => {
    const t = await setup()
    expect(location(await login(t))).toBe('/success')
    const user = await findUser(t.storage, 'foobar')
    expect(user).toMatchObject({ username: 'foobar', email: 'foo@bar.com' })
    const socials = await t.storage.user.getSocialAuthForUser(user!)
    expect(socials.map(({ provider, uid }) => [provider, uid])).toEqual([['dummy', '1']])
    expect(t.logins).toHaveLength(1)
    expect(t.logins[0]).toMatchObject({
      isNew: true,
      user: { username: 'foobar' },
      social: { provider: 'dummy', uid: '1' },
    })
    expect(t.strategy.session.get('social_auth_last_login_backend')).toBe('dummy')
  })

  it('reuses the user on the second login: no new user or association, is_new false (15)', async () => {
    const t = await setup({ NEW_USER_REDIRECT_URL: '/new-user' })
    expect(location(await login(t))).toBe('/new-user')
    expect(location(await login(t))).toBe('/success')
    expect(await allUsers(t.storage)).toHaveLength(1)
    expect(t.logins.map((l) => [l.user.id, l.isNew])).toEqual([
      [t.logins[0]!.user.id, true],
      [t.logins[0]!.user.id, false],
    ])
    expect(await t.storage.user.getSocialAuthForUser(t.logins[0]!.user)).toHaveLength(1)
  })

  it('sends a new user to NEW_USER_REDIRECT_URL, carrying next along (16)', async () => {
    const t = await setup({ NEW_USER_REDIRECT_URL: '/new-user' })
    expect(location(await login(t, { body: { next: '/after' } }))).toBe('/new-user?next=%2Fafter')
  })

  it('sends an inactive user to INACTIVE_USER_URL without logging in (17)', async () => {
    const t = await setup({ INACTIVE_USER_URL: '/inactive' })
    const sleepy = await t.storage.user.createUser({ username: 'foobar', is_active: false })
    await t.storage.user.createSocialAuth(sleepy, '1', 'dummy')
    expect(location(await login(t))).toBe('/inactive')
    expect(t.logins).toHaveLength(0)
  })

  it('logs an inactive user in with ALLOW_INACTIVE_USERS_LOGIN (17)', async () => {
    const t = await setup({ INACTIVE_USER_URL: '/inactive', ALLOW_INACTIVE_USERS_LOGIN: true })
    const sleepy = await t.storage.user.createUser({ username: 'foobar', is_active: false })
    await t.storage.user.createSocialAuth(sleepy, '1', 'dummy')
    expect(location(await login(t))).toBe('/success')
    expect(t.logins).toHaveLength(1)
  })

  it('logs an inactive user in before INACTIVE_USER_URL with INACTIVE_USER_LOGIN', async () => {
    const t = await setup({ INACTIVE_USER_URL: '/inactive', INACTIVE_USER_LOGIN: true })
    const sleepy = await t.storage.user.createUser({ username: 'foobar', is_active: false })
    await t.storage.user.createSocialAuth(sleepy, '1', 'dummy')
    expect(location(await login(t))).toBe('/inactive')
    expect(t.logins).toHaveLength(1)
  })

  it('redirects to LOGIN_ERROR_URL when the pipeline ends without a user (18)', async () => {
    const noUser: PipelineStep = async () => ({ user: null })
    const t = await setup({
      LOGIN_ERROR_URL: '/error',
      SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, noUser],
    })
    expect(location(await login(t))).toBe('/error?error=ERR_AUTH_NO_USER&backend=dummy')
    expect(t.logins).toHaveLength(0)
  })

  it('falls back to LOGIN_URL when LOGIN_ERROR_URL is not set', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, async () => ({ user: null })],
    })
    expect(location(await login(t))).toBe('/login?error=ERR_AUTH_NO_USER&backend=dummy')
  })

  it('redirects to the login request’s next (19)', async () => {
    const t = await setup()
    expect(location(await login(t, { body: { next: '/after-login' } }))).toBe('/after-login')
  })

  it('falls back to LOGIN_REDIRECT_URL for a next with a backslash (20)', async () => {
    const t = await setup()
    expect(location(await login(t, { body: { next: '/\\evil.com' } }))).toBe('/success')
  })

  it('refuses a next to a foreign host and honours one to ALLOWED_REDIRECT_HOSTS (psa.md §3.8)', async () => {
    const t = await setup({ ALLOWED_REDIRECT_HOSTS: ['partner.example'] })
    expect(location(await login(t, { body: { next: 'https://evil.example/x' } }))).toBe('/success')
    expect(location(await login(t, { body: { next: 'https://partner.example/x' } }))).toBe(
      'https://partner.example/x',
    )
    expect(location(await login(t, { body: { next: 'http://myapp.com/own' } }))).toBe(
      'http://myapp.com/own',
    )
  })

  it('redirects to a next the backend set in the session during complete (21)', async () => {
    const base = dummy()
    const backend: BackendDefinition = {
      ...base,
      async complete(call) {
        const result = await base.complete(call)
        call.strategy.session.set('next', '/after-login')
        return result
      },
    }
    const t = await setup({}, { backends: [backend] })
    expect(location(await login(t))).toBe('/after-login')
  })

  it('copies FIELDS_STORED_IN_SESSION from the login request, storing null for an absent field (22)', async () => {
    const t = await setup({ FIELDS_STORED_IN_SESSION: ['foo', 'bar'] })
    await t.social.begin(
      t.strategy.request({ method: 'POST', body: { foo: '1', bar: '2' } }),
      'dummy',
    )
    expect([t.strategy.session.get('foo'), t.strategy.session.get('bar')]).toEqual(['1', '2'])
    await t.social.begin(t.strategy.request({ method: 'POST', body: { foo: '3' } }), 'dummy')
    expect([t.strategy.session.get('foo'), t.strategy.session.get('bar')]).toEqual(['3', null])
  })

  it('ignores a next in the query string of a POST login, as PSA’s POST-only login does', async () => {
    const t = await setup()
    await t.social.begin(
      t.strategy.request({ method: 'POST', query: { next: '/from-query' } }),
      'dummy',
    )
    expect(t.strategy.session.get('next')).toBeUndefined()
  })

  it('redirects a failed callback to LOGIN_ERROR_URL with the code and the backend', async () => {
    const t = await setup({ LOGIN_ERROR_URL: '/error' })
    await t.social.begin(t.strategy.request({ method: 'POST' }), 'dummy')
    t.strategy.request({ query: { code: 'x', state: 'forged' } })
    const response = await t.social.complete(t.strategy, 'dummy', { login: () => {} })
    expect(location(response)).toBe('/error?error=ERR_AUTH_STATE_FORBIDDEN&backend=dummy')
  })

  it('prefers the backend’s own LOGIN_ERROR_URL (PSA behaviour 72)', async () => {
    const t = await setup({
      LOGIN_ERROR_URL: '/error',
      SOCIAL_AUTH_DUMMY_LOGIN_ERROR_URL: '/dummy-error',
    })
    t.strategy.request({ query: { code: 'x' } })
    const response = await t.social.complete(t.strategy, 'dummy', { login: () => {} })
    expect(location(response)).toBe('/dummy-error?error=ERR_AUTH_MISSING_PARAMETER&backend=dummy')
  })

  it('lets the error propagate when no error URL is configured (PSA behaviour 72)', async () => {
    const t = await setup({ LOGIN_URL: undefined })
    t.strategy.request({ query: { code: 'x' } })
    expect(await codeOf(t.social.complete(t.strategy, 'dummy', { login: () => {} }))).toBe(
      'ERR_AUTH_MISSING_PARAMETER',
    )
  })

  it('throws the coded error instead of redirecting when RAISE_EXCEPTIONS is set for the backend', async () => {
    const t = await setup({ SOCIAL_AUTH_DUMMY_RAISE_EXCEPTIONS: true })
    t.strategy.request({ query: { code: 'x' } })
    expect(await codeOf(t.social.complete(t.strategy, 'dummy', { login: () => {} }))).toBe(
      'ERR_AUTH_MISSING_PARAMETER',
    )
  })
})

describe('transactions and races', () => {
  it('leaves no user and no association when a step fails after create_user', async () => {
    const boom: PipelineStep = async () => {
      throw new Error('disk full')
    }
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        ...DEFAULT_AUTH_PIPELINE.slice(0, 7),
        boom,
        ...DEFAULT_AUTH_PIPELINE.slice(7),
      ],
    })
    await expect(login(t)).rejects.toThrow('disk full')
    expect(await allUsers(t.storage)).toEqual([])
    expect(await t.storage.user.getSocialAuth('dummy', '1')).toBeNull()
    expect(t.logins).toHaveLength(0)
  })

  it('succeeds when the association insert loses a race to the same link (33, IntegrityErrorOnLoginTest)', async () => {
    let raced = false
    const storage = patchedStorage((inner) => ({
      async createSocialAuth(user, uid, provider) {
        if (!raced) {
          raced = true
          await inner.user.createSocialAuth(user, uid, provider) // the concurrent request's row
          throw new MemoryIntegrityError('social_auth_usersocialauth.provider, uid')
        }
        return inner.user.createSocialAuth(user, uid, provider)
      },
    }))
    const t = await setup({}, { storage })
    const owner = await storage.user.createUser({ username: 'owner', email: 'owner@example.com' })
    expect(location(await login(t, { user: owner }))).toBe('/success')
    expect(String((await storage.user.getSocialAuth('dummy', '1'))?.user_id)).toBe(String(owner.id))
  })

  it('logs a new sign-up in as the winner of a concurrent sign-up of the same account (33)', async () => {
    const inner = memoryStorage()
    let raced = false
    const storage: Storage = {
      ...inner,
      user: {
        ...inner.user,
        async createSocialAuth(user, uid, provider) {
          if (!raced) {
            raced = true
            throw new MemoryIntegrityError('social_auth_usersocialauth.provider, uid')
          }
          return inner.user.createSocialAuth(user, uid, provider)
        },
      },
      // The other sign-up commits while ours rolls back; the retry then finds its row.
      async transaction(work) {
        try {
          return await inner.transaction(() => work(storage))
        } catch (err) {
          if (raced && !(await inner.user.getSocialAuth('dummy', '1'))) {
            const winner = await inner.user.createUser({ username: 'winner', email: 'foo@bar.com' })
            await inner.user.createSocialAuth(winner, '1', 'dummy')
          }
          throw err
        }
      },
    }
    const t = await setup({}, { storage })
    expect(location(await login(t))).toBe('/success')
    expect(t.logins.map((l) => [l.user.username, l.isNew])).toEqual([['winner', false]])
    expect((await allUsers(inner)).map((u) => u.username)).toEqual(['winner'])
  })

  it('lets a non-integrity error of the association insert propagate unchanged (33, UnknownErrorOnLoginTest)', async () => {
    const storage = patchedStorage(() => ({
      async createSocialAuth() {
        throw new TypeError('connection reset')
      },
    }))
    const t = await setup({}, { storage })
    await expect(login(t)).rejects.toThrow(new TypeError('connection reset'))
    expect(await allUsers(storage)).toEqual([])
  })

  it('never adopts the existing user when creating the user collides in the users table (34, CVE-2025-61783)', async () => {
    const storage = patchedStorage(() => ({ userExists: async () => false }))
    const t = await setup({}, { storage })
    const victim = await storage.user.createUser({
      username: 'foobar',
      email: 'victim@example.com',
    })
    const response = await login(t)
    expect(location(response)).toBe('/login?error=ERR_AUTH_USER_CONFLICT&backend=dummy')
    expect(t.logins).toHaveLength(0)
    expect(await storage.user.getSocialAuth('dummy', '1')).toBeNull()
    expect(await storage.user.getSocialAuthForUser(victim)).toEqual([])
    const err = await codeOf(login(t, { onError: 'throw' }))
    expect(err).toBe('ERR_AUTH_USER_CONFLICT')
  })

  it('raises ERR_AUTH_USER_CONFLICT as an AuthAlreadyAssociated, as PSA does (34)', async () => {
    const storage = patchedStorage(() => ({ userExists: async () => false }))
    const t = await setup({}, { storage })
    await storage.user.createUser({ username: 'foobar' })
    const err = await login(t, { onError: 'throw' }).catch((e: unknown) => e)
    const { AuthAlreadyAssociated } = await import('../src/index.js')
    expect(err).toBeInstanceOf(AuthAlreadyAssociated)
  })

  it('gives a stopped flow’s response back untouched and creates nothing when it stops before create_user', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: ['social_details', 'social_uid', async () => redirect('/more')],
    })
    expect(location(await login(t, { account: GITHUB_ACCOUNT }))).toBe('/more')
    expect(await allUsers(t.storage)).toEqual([])
  })
})
