import { describe, expect, it } from '@jest/globals'
import { codeOf, findUser, location, login, setup } from './helpers.js'

describe('whitelists (PSA behaviours 35–36, psa.md §2.3 step 3)', () => {
  it.each([['foo@bar.com'], ['fOo@bar.com'], ['foo@bAR.com']])(
    'lets foo@bAr.coM in with WHITELISTED_EMAILS [%s], case-insensitively on both sides (35)',
    async (allowed) => {
      const t = await setup({ SOCIAL_AUTH_WHITELISTED_EMAILS: [allowed] })
      expect(
        location(await login(t, { account: { id: 1, login: 'foobar', email: 'foo@bAr.coM' } })),
      ).toBe('/success')
    },
  )

  it('refuses an email outside WHITELISTED_EMAILS with ERR_AUTH_FORBIDDEN (35)', async () => {
    const t = await setup({ SOCIAL_AUTH_WHITELISTED_EMAILS: ['foo2@bar.com'] })
    const err = await login(t, { onError: 'throw' }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_AUTH_FORBIDDEN',
      message: "Your credentials aren't allowed",
      status: 403,
    })
  })

  it('lets a whitelisted domain in and refuses others, matching the domain exactly (36)', async () => {
    const t = await setup({ SOCIAL_AUTH_DUMMY_WHITELISTED_DOMAINS: ['bar.com'] })
    expect(location(await login(t))).toBe('/success')
    expect(
      await codeOf(
        login(t, { account: { id: 2, login: 'x', email: 'x@evil.com' }, onError: 'throw' }),
      ),
    ).toBe('ERR_AUTH_FORBIDDEN')
    expect(
      await codeOf(
        login(t, { account: { id: 3, login: 'y', email: 'y@sub.bar.com' }, onError: 'throw' }),
      ),
    ).toBe('ERR_AUTH_FORBIDDEN')
  })

  it('refuses a login without an email when a whitelist is set (psa.md §9 fix: PSA skips the check)', async () => {
    const t = await setup({ SOCIAL_AUTH_WHITELISTED_DOMAINS: ['bar.com'] })
    expect(await codeOf(login(t, { account: { id: 1, login: 'foobar' }, onError: 'throw' }))).toBe(
      'ERR_AUTH_FORBIDDEN',
    )
    expect(
      await codeOf(
        login(t, { account: { id: 1, login: 'foobar', email: 'no-at-sign' }, onError: 'throw' }),
      ),
    ).toBe('ERR_AUTH_FORBIDDEN')
    expect(await findUser(t.storage, 'foobar')).toBeNull()
  })

  it('lets a login without an email in when no whitelist is set', async () => {
    const t = await setup()
    expect(location(await login(t, { account: { id: 1, login: 'foobar' } }))).toBe('/success')
  })
})

describe('user details (PSA behaviours 37–38, psa.md §2.3 step 9)', () => {
  it('updates first_name from the provider on each login (37)', async () => {
    const t = await setup()
    await login(t, { account: { id: 1, login: 'foobar', name: 'Test Surname' } })
    expect((await findUser(t.storage, 'foobar'))?.first_name).toBe('Test')
    await login(t, { account: { id: 1, login: 'foobar', name: 'Test2 Surname' } })
    expect((await findUser(t.storage, 'foobar'))?.first_name).toBe('Test2')
  })

  it('leaves IMMUTABLE_USER_FIELDS alone once they hold a value (37)', async () => {
    const t = await setup({ SOCIAL_AUTH_IMMUTABLE_USER_FIELDS: ['first_name'] })
    await login(t, { account: { id: 1, login: 'foobar', name: 'Test Surname' } })
    await login(t, { account: { id: 1, login: 'foobar', name: 'Test2 Other' } })
    const user = await findUser(t.storage, 'foobar')
    expect([user?.first_name, user?.last_name]).toEqual(['Test', 'Other'])
  })

  it('does not overwrite protected fields: username, email, id, password, is_active, is_staff, is_superuser (38)', async () => {
    const t = await setup({
      SOCIAL_AUTH_USER_FIELD_MAPPING: { role: 'is_staff', active: 'is_active', pw: 'password' },
    })
    const owner = await t.storage.user.createUser({
      username: 'owner',
      email: 'owner@example.com',
      password: 'hash',
      is_staff: false,
      is_superuser: false,
    })
    await t.storage.user.createSocialAuth(owner, '1', 'dummy')
    await login(t, {
      account: {
        id: 1,
        login: 'changed',
        email: 'changed@example.com',
        name: 'New Name',
        role: true,
        active: false,
        pw: 'x',
      },
    })
    const user = await t.storage.user.getUserAnyState(owner.id)
    expect(user).toMatchObject({
      id: owner.id,
      username: 'owner',
      email: 'owner@example.com',
      password: 'hash',
      is_active: true,
      is_staff: false,
      is_superuser: false,
      first_name: 'New',
    })
  })

  it('protects PROTECTED_USER_FIELDS as well, and drops the defaults with NO_DEFAULT_PROTECTED_USER_FIELDS', async () => {
    const t = await setup({
      SOCIAL_AUTH_PROTECTED_USER_FIELDS: ['first_name'],
      SOCIAL_AUTH_NO_DEFAULT_PROTECTED_USER_FIELDS: true,
    })
    const owner = await t.storage.user.createUser({
      username: 'owner',
      email: 'owner@example.com',
      first_name: 'Keep',
    })
    await t.storage.user.createSocialAuth(owner, '1', 'dummy')
    await login(t, {
      account: { id: 1, login: 'foobar', email: 'new@example.com', name: 'Other Name' },
    })
    expect(await t.storage.user.getUserAnyState(owner.id)).toMatchObject({
      first_name: 'Keep',
      last_name: 'Name',
      email: 'new@example.com',
      username: 'foobar',
    })
  })

  it('maps detail names to user attributes with USER_FIELD_MAPPING, skipping attributes the user lacks', async () => {
    const t = await setup({ SOCIAL_AUTH_USER_FIELD_MAPPING: { fullname: 'display_name' } })
    const owner = await t.storage.user.createUser({ username: 'owner', display_name: '' })
    await t.storage.user.createSocialAuth(owner, '1', 'dummy')
    await login(t, { account: { id: 1, login: 'foobar', name: 'Ada Lovelace', nickname: 'ada' } })
    const user = await t.storage.user.getUserAnyState(owner.id)
    expect(user?.display_name).toBe('Ada Lovelace')
    expect(user).not.toHaveProperty('fullname')
  })
})
