import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_AUTH_PIPELINE,
  DEFAULT_DISCONNECT_PIPELINE,
  partialStep,
  redirect,
  type BackendDefinition,
  type DisconnectContext,
  type PipelineContext,
  type PipelineStep,
  type User,
} from '../src/index.js'
import { codeOf, complete, dummy, location, login, setup, type Harness } from './helpers.js'

/** A user with a password (so disconnecting is allowed) and dummy associations. */
async function userWith(
  t: Harness,
  uids: string[],
  fields: Record<string, unknown> = { password: 'hash' },
): Promise<User> {
  const user = await t.storage.user.createUser({ username: 'foobar', ...fields })
  for (const uid of uids) {
    const social = await t.storage.user.createSocialAuth(user, uid, 'dummy')
    await t.storage.user.setExtraData(social, { access_token: `token-${uid}` })
  }
  return user
}

const disconnect = (
  t: Harness,
  user: User | null,
  extra: { associationId?: string | number; onError?: 'throw' } = {},
) =>
  t.social.disconnect(t.strategy.request({ method: 'POST', body: {} }), 'dummy', { user, ...extra })

/** PSA's `ask_for_password` test step, for the disconnect pipeline. */
const askForPassword = partialStep<DisconnectContext>(async function askForPassword(ctx) {
  if (ctx.strategy.session.get('password')) return undefined
  return redirect(ctx.strategy.absoluteUri('/password'))
})

describe('disconnect (PSA behaviours 44–49)', () => {
  it('refuses to disconnect the last login method with ERR_NOT_ALLOWED_TO_DISCONNECT (45)', async () => {
    const t = await setup()
    const user = await userWith(t, ['1'], {})
    const err = await disconnect(t, user, { onError: 'throw' }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_NOT_ALLOWED_TO_DISCONNECT',
      message: 'This account is not allowed to be disconnected.',
    })
    expect(location(await disconnect(t, user))).toBe(
      '/login?error=ERR_NOT_ALLOWED_TO_DISCONNECT&backend=dummy',
    )
    expect(await t.storage.user.getSocialAuthForUser(user)).toHaveLength(1)
  })

  it('removes every association of the backend and redirects to the absolute LOGIN_REDIRECT_URL (46)', async () => {
    const t = await setup()
    const user = await userWith(t, ['1', '2'])
    expect(location(await disconnect(t, user))).toBe('http://myapp.com/success')
    expect(await t.storage.user.getSocialAuthForUser(user)).toEqual([])
    expect(t.events.filter((e) => e.name === 'account.disconnected')).toHaveLength(2)
  })

  it('refuses the last login method of a user whose password is unusable: empty or Django’s "!…" (has_usable_password)', async () => {
    for (const password of ['', '!', '!kT8vZ3mXo1Qw9rLp2sYd7fHj4nBc6gUa0eRiW5tN', null]) {
      const t = await setup()
      const user = await userWith(t, ['1'], { password })
      expect(await codeOf(disconnect(t, user, { onError: 'throw' }))).toBe(
        'ERR_NOT_ALLOWED_TO_DISCONNECT',
      )
      expect(await t.storage.user.getSocialAuthForUser(user)).toHaveLength(1)
    }
  })

  it('allows disconnecting one of two associations without a password', async () => {
    const t = await setup()
    const user = await userWith(t, ['1', '2'], {})
    const [first] = await t.storage.user.getSocialAuthForUser(user)
    expect(location(await disconnect(t, user, { associationId: first!.id }))).toBe(
      'http://myapp.com/success',
    )
    expect(await codeOf(disconnect(t, user, { onError: 'throw' }))).toBe(
      'ERR_NOT_ALLOWED_TO_DISCONNECT',
    )
  })

  it('removes the last login method when the app took allowed_to_disconnect out of its pipeline, as in PSA', async () => {
    const t = await setup({
      SOCIAL_AUTH_DISCONNECT_PIPELINE: ['get_entries', 'revoke_tokens', 'disconnect'],
    })
    const user = await userWith(t, ['1'], {})
    expect(location(await disconnect(t, user))).toBe('http://myapp.com/success')
    expect(await t.storage.user.getSocialAuthForUser(user)).toEqual([])
  })

  it('removes only the association with the given id (47)', async () => {
    const t = await setup()
    const user = await userWith(t, ['1', '2'])
    const [first, second] = await t.storage.user.getSocialAuthForUser(user)
    await disconnect(t, user, { associationId: first!.id })
    expect((await t.storage.user.getSocialAuthForUser(user)).map((s) => s.id)).toEqual([second!.id])
  })

  it('redirects to a DISCONNECT_REDIRECT_URL deep link of an allowed private-use scheme, and refuses other schemes in next (48)', async () => {
    const t = await setup({
      DISCONNECT_REDIRECT_URL: 'com.example.app://oauth2redirect',
      ALLOWED_REDIRECT_SCHEMES: ['http', 'https', 'com.example.app'],
    })
    const user = await userWith(t, ['1', '2', '3'])
    const [a, b, c] = await t.storage.user.getSocialAuthForUser(user)
    expect(location(await disconnect(t, user, { associationId: a!.id }))).toBe(
      'com.example.app://oauth2redirect',
    )
    const evil = await t.social.disconnect(
      t.strategy.request({ method: 'POST', body: { next: 'com.evil.app://steal' } }),
      'dummy',
      {
        user,
        associationId: b!.id,
      },
    )
    expect(location(evil)).toBe('com.example.app://oauth2redirect')
    const allowed = await t.social.disconnect(
      t.strategy.request({ method: 'POST', body: { next: 'com.example.app://done' } }),
      'dummy',
      { user, associationId: c!.id },
    )
    expect(location(allowed)).toBe('com.example.app://done')
  })

  it('honours a safe next and DISCONNECT_REDIRECT_URL, made absolute', async () => {
    const t = await setup({ DISCONNECT_REDIRECT_URL: '/settings' })
    const user = await userWith(t, ['1', '2'])
    const [a] = await t.storage.user.getSocialAuthForUser(user)
    expect(location(await disconnect(t, user, { associationId: a!.id }))).toBe(
      'http://myapp.com/settings',
    )
    const next = await t.social.disconnect(
      t.strategy.request({ method: 'POST', body: { next: '/back' } }),
      'dummy',
      { user },
    )
    expect(location(next)).toBe('http://myapp.com/back')
  })

  it('revokes stored tokens with REVOKE_TOKENS_ON_DISCONNECT (44)', async () => {
    const revoked: string[] = []
    const backend: BackendDefinition = {
      ...dummy(),
      async revokeToken({ social }) {
        revoked.push(social.extra_data.access_token as string)
        return true
      },
    }
    const off = await setup({}, { backends: [backend] })
    await disconnect(off, await userWith(off, ['1']))
    expect(revoked).toEqual([])
    const on = await setup({ REVOKE_TOKENS_ON_DISCONNECT: true }, { backends: [backend] })
    await disconnect(on, await userWith(on, ['1', '2']))
    expect(revoked.sort()).toEqual(['token-1', 'token-2'])
  })

  it('skips revocation for a backend that cannot revoke instead of crashing (psa.md §9 fix)', async () => {
    const t = await setup({ REVOKE_TOKENS_ON_DISCONNECT: true })
    const user = await userWith(t, ['1'])
    expect(location(await disconnect(t, user))).toBe('http://myapp.com/success')
  })

  it('requires a logged-in user: ERR_LOGIN_REQUIRED', async () => {
    const t = await setup()
    expect(await codeOf(disconnect(t, null, { onError: 'throw' }))).toBe('ERR_LOGIN_REQUIRED')
  })

  it('pauses on a partial step and completes once the session holds the password (49)', async () => {
    const t = await setup({
      SOCIAL_AUTH_DISCONNECT_PIPELINE: [askForPassword, ...DEFAULT_DISCONNECT_PIPELINE],
    })
    const user = await userWith(t, ['1'])
    expect(location(await disconnect(t, user))).toBe('http://myapp.com/password')
    expect(await t.storage.user.getSocialAuthForUser(user)).toHaveLength(1)
    t.strategy.session.set('password', 'foobar')
    expect(location(await disconnect(t, user))).toBe('http://myapp.com/success')
    expect(await t.storage.user.getSocialAuthForUser(user)).toEqual([])
    expect(t.strategy.session.get('partial_pipeline_token')).toBeUndefined()
  })

  it('gives disconnect steps PSA’s user_storage (storage.user), also after a pause, never stored in the partial', async () => {
    const seen: boolean[] = []
    const ported: PipelineStep<DisconnectContext> = async ({ user_storage, user, name }) => {
      // A step ported from PSA: `user_storage.get_social_auth_for_user(user, name)`.
      seen.push((await user_storage.getSocialAuthForUser(user, name)).length === 1)
    }
    const t = await setup({
      SOCIAL_AUTH_DISCONNECT_PIPELINE: [askForPassword, ported, ...DEFAULT_DISCONNECT_PIPELINE],
    })
    const user = await userWith(t, ['1'])
    await disconnect(t, user)
    const token = t.strategy.session.get<string>('partial_pipeline_token')!
    expect(Object.keys((await t.storage.partial.load(token))!.data.kwargs)).not.toContain(
      'user_storage',
    )
    t.strategy.session.set('password', 'foobar')
    expect(location(await disconnect(t, user))).toBe('http://myapp.com/success')
    expect(seen).toEqual([true])
  })

  it('resumes a paused disconnect at the step that paused, not at step 0 (psa.md §9 fix)', async () => {
    const ran: number[] = []
    const count: PipelineStep<DisconnectContext> = async (ctx) => {
      ran.push(ctx.pipeline_index)
    }
    const t = await setup({
      SOCIAL_AUTH_DISCONNECT_PIPELINE: [count, askForPassword, ...DEFAULT_DISCONNECT_PIPELINE],
    })
    const user = await userWith(t, ['1'])
    await disconnect(t, user)
    t.strategy.session.set('password', 'foobar')
    await disconnect(t, user)
    expect(ran).toEqual([0])
    expect(await t.storage.user.getSocialAuthForUser(user)).toEqual([])
    expect(t.eventNames().filter((n) => n.startsWith('partial.'))).toEqual([
      'partial.paused',
      'partial.resumed',
    ])
  })

  it('does not resume a paused link as a disconnect, nor drop it', async () => {
    const ask = partialStep<PipelineContext>(async function ask(ctx) {
      return ctx.strategy.session.get('ok') ? undefined : redirect('/ask')
    })
    const t = await setup({
      // Paused at index 1, which is get_entries in the disconnect pipeline.
      SOCIAL_AUTH_PIPELINE: [DEFAULT_AUTH_PIPELINE[0]!, ask, ...DEFAULT_AUTH_PIPELINE.slice(1)],
    })
    const user = await userWith(t, ['existing'], {})
    expect(location(await login(t, { user, account: { id: 2, login: 'x' } }))).toBe('/ask')
    const token = t.strategy.session.get<string>('partial_pipeline_token')!
    expect((await t.storage.partial.load(token))?.data.pipeline).toBe('auth')
    // The only login method: the disconnect pipeline must still refuse, from step 0.
    expect(await codeOf(disconnect(t, user, { onError: 'throw' }))).toBe(
      'ERR_NOT_ALLOWED_TO_DISCONNECT',
    )
    expect(await t.storage.partial.load(token)).not.toBeNull()
    t.strategy.session.set('ok', true)
    expect(location(await complete(t, { user, strategy: t.strategy.request({}) }))).toBe('/success')
    expect((await t.storage.user.getSocialAuthForUser(user)).map((s) => s.uid).sort()).toEqual([
      '2',
      'existing',
    ])
  })

  it('records a paused disconnect as such, so a login request does not resume it', async () => {
    const t = await setup({
      SOCIAL_AUTH_DISCONNECT_PIPELINE: [askForPassword, ...DEFAULT_DISCONNECT_PIPELINE],
    })
    const user = await userWith(t, ['1'])
    await disconnect(t, user)
    const token = t.strategy.session.get<string>('partial_pipeline_token')!
    expect((await t.storage.partial.load(token))?.data.pipeline).toBe('disconnect')
    t.strategy.request({ query: { partial_token: token } })
    expect(location(await complete(t))).toBe('/login?error=ERR_AUTH_PARTIAL_REFUSED&backend=dummy')
    expect(await t.storage.partial.load(token)).not.toBeNull()
  })
})
