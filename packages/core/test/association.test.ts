import { describe, expect, it } from '@jest/globals'
import {
  AuthAlreadyAssociated,
  DEFAULT_AUTH_PIPELINE,
  associateByEmail,
  type PipelineStep,
} from '../src/index.js'
import { allUsers, codeOf, dummy, findUser, location, login, setup } from './helpers.js'

/** PSA's test pipeline: the default with `associate_by_email` before `create_user` (psa.md §2.2). */
const WITH_ASSOCIATE_BY_EMAIL: PipelineStep[] = [
  ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
  associateByEmail,
  ...DEFAULT_AUTH_PIPELINE.slice(5),
]

describe('association (PSA behaviours 28–34)', () => {
  it('links the account to the logged-in user instead of creating one (28)', async () => {
    const t = await setup({ NEW_ASSOCIATION_REDIRECT_URL: '/linked' })
    const owner = await t.storage.user.createUser({
      username: 'foobar-owner',
      email: 'owner@example.com',
    })
    expect(location(await login(t, { user: owner }))).toBe('/linked')
    expect((await t.storage.user.getSocialAuthForUser(owner)).map((s) => s.provider)).toEqual([
      'dummy',
    ])
    expect(await allUsers(t.storage)).toHaveLength(1)
    expect(t.logins).toHaveLength(0)
  })

  it('redirects a link to LOGIN_REDIRECT_URL without NEW_ASSOCIATION_REDIRECT_URL (28)', async () => {
    const t = await setup()
    const owner = await t.storage.user.createUser({ username: 'owner' })
    expect(location(await login(t, { user: owner }))).toBe('/success')
  })

  it('links a second account of the same provider to the logged-in user (29)', async () => {
    const t = await setup()
    const owner = await t.storage.user.createUser({ username: 'owner' })
    await login(t, { user: owner, account: { id: 1, login: 'foobar' } })
    await login(t, { user: owner, account: { id: 2, login: 'foobar2' } })
    expect(
      (await t.storage.user.getSocialAuthForUser(owner, 'dummy')).map((s) => s.uid).sort(),
    ).toEqual(['1', '2'])
  })

  it('refuses an account owned by another user with ERR_AUTH_ALREADY_ASSOCIATED (30)', async () => {
    const t = await setup()
    await login(t)
    const a = await findUser(t.storage, 'foobar')
    const b = await t.storage.user.createUser({ username: 'b' })
    const response = await login(t, { user: b })
    expect(location(response)).toBe('/login?error=ERR_AUTH_ALREADY_ASSOCIATED&backend=dummy')
    const err = await login(t, { user: b, onError: 'throw' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AuthAlreadyAssociated)
    expect(err).toMatchObject({
      code: 'ERR_AUTH_ALREADY_ASSOCIATED',
      message: 'This account is already in use.',
      backend: 'dummy',
      status: 409,
    })
    expect(String((await t.storage.user.getSocialAuth('dummy', '1'))?.user_id)).toBe(String(a!.id))
  })

  it('links a provider-verified email to the one existing user with it (31, psa.md §9 fix)', async () => {
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: WITH_ASSOCIATE_BY_EMAIL },
      { backends: [dummy({ emailVerified: true })] },
    )
    const existing = await t.storage.user.createUser({ username: 'foobar1', email: 'Foo@Bar.com' })
    expect(location(await login(t))).toBe('/success')
    expect(t.logins.map((l) => [l.user.username, l.isNew])).toEqual([['foobar1', false]])
    expect(String((await t.storage.user.getSocialAuth('dummy', '1'))?.user_id)).toBe(
      String(existing.id),
    )
    expect(t.eventNames()).toContain('account.linked')
    expect(t.eventNames()).not.toContain('user.created')
  })

  it('refuses to link an email the provider does not vouch for: ERR_AUTH_LINK_REFUSED, reason email_not_verified (psa.md §9 fix)', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: WITH_ASSOCIATE_BY_EMAIL })
    const existing = await t.storage.user.createUser({ username: 'foobar1', email: 'foo@bar.com' })
    const response = await login(t)
    expect(location(response)).toBe('/login?error=ERR_AUTH_LINK_REFUSED&backend=dummy')
    expect(t.logins).toHaveLength(0)
    expect(await t.storage.user.getSocialAuthForUser(existing)).toEqual([])
    expect(await allUsers(t.storage)).toHaveLength(1)
    const refused = t.events.find((e) => e.name === 'link.refused')
    expect(refused?.payload).toEqual({ backend: 'dummy', reason: 'email_not_verified', uid: '1' })
    const err = await login(t, { onError: 'throw' }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_AUTH_LINK_REFUSED',
      reason: 'email_not_verified',
      uid: '1',
    })
  })

  it('treats a backend as unverified when ASSOCIATE_BY_EMAIL_TRUST_PROVIDER is false', async () => {
    const t = await setup(
      {
        SOCIAL_AUTH_PIPELINE: WITH_ASSOCIATE_BY_EMAIL,
        SOCIAL_AUTH_DUMMY_ASSOCIATE_BY_EMAIL_TRUST_PROVIDER: false,
      },
      { backends: [dummy({ emailVerified: true })] },
    )
    await t.storage.user.createUser({ username: 'foobar1', email: 'foo@bar.com' })
    expect(await codeOf(login(t, { onError: 'throw' }))).toBe('ERR_AUTH_LINK_REFUSED')
  })

  it('refuses an email shared by two users, reason ambiguous_email (32)', async () => {
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: WITH_ASSOCIATE_BY_EMAIL },
      { backends: [dummy({ emailVerified: true })] },
    )
    await t.storage.user.createUser({ username: 'one', email: 'foo@bar.com' })
    await t.storage.user.createUser({ username: 'two', email: 'foo@bar.com' })
    const err = await login(t, { onError: 'throw' }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_AUTH_LINK_REFUSED',
      reason: 'ambiguous_email',
      message: 'The given email address is associated with another account',
    })
  })

  it('creates a new user when no existing user has the email', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: WITH_ASSOCIATE_BY_EMAIL })
    await login(t)
    expect(t.logins.map((l) => [l.user.username, l.isNew])).toEqual([['foobar', true]])
  })

  it('does nothing for a logged-in user or an account that is already linked', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: WITH_ASSOCIATE_BY_EMAIL })
    await login(t)
    await t.storage.user.createUser({ username: 'same-email', email: 'foo@bar.com' })
    expect(location(await login(t))).toBe('/success')
    expect(t.logins.map((l) => l.user.username)).toEqual(['foobar', 'foobar'])
  })
})
