import { describe, expect, it } from '@jest/globals'
import { memoryStorage, slugify, cleanUsername } from '../src/index.js'
import { findUser, login, patchedStorage, setup } from './helpers.js'

const loggedIn = (t: Awaited<ReturnType<typeof setup>>) => t.logins.at(-1)!.user

describe('usernames (PSA behaviours 23–27, psa.md §2.3 step 5)', () => {
  it('gives a colliding username a 16-hex suffix instead of reusing the taken one (23)', async () => {
    const t = await setup()
    const existing = await t.storage.user.createUser({ username: 'foobar' })
    await login(t)
    const created = loggedIn(t)
    expect(created.username).toMatch(/^foobar[0-9a-f]{16}$/)
    expect(created.id).not.toBe(existing.id)
  })

  it('keeps one suffix however many candidates collide (PSA’s short_username)', async () => {
    let checks = 0
    const storage = patchedStorage(() => ({ userExists: async () => ++checks <= 3 }))
    const t = await setup({}, { storage })
    await login(t)
    expect(loggedIn(t).username).toMatch(/^foobar[0-9a-f]{16}$/)
  })

  it('cuts the base so that base and suffix fit the username length limit', async () => {
    const t = await setup({}, { storage: memoryStorage({ usernameMaxLength: 30 }) })
    const long = 'a'.repeat(40)
    await t.storage.user.createUser({ username: long.slice(0, 30) })
    await login(t, { account: { id: 9, login: long } })
    expect(loggedIn(t).username).toMatch(/^a{14}[0-9a-f]{16}$/)
  })

  it('honours UUID_LENGTH for the suffix', async () => {
    const t = await setup({ SOCIAL_AUTH_UUID_LENGTH: 4 })
    await t.storage.user.createUser({ username: 'foobar' })
    await login(t)
    expect(loggedIn(t).username).toMatch(/^foobar[0-9a-f]{4}$/)
  })

  it('uses the full email as username with USERNAME_IS_FULL_EMAIL (24)', async () => {
    const t = await setup({ SOCIAL_AUTH_USERNAME_IS_FULL_EMAIL: true })
    await login(t)
    expect(loggedIn(t).username).toBe('foo@bar.com')
  })

  it('slugifies usernames with SLUGIFY_USERNAMES and CLEAN_USERNAMES off (25)', async () => {
    const t = await setup({
      SOCIAL_AUTH_CLEAN_USERNAMES: false,
      SOCIAL_AUTH_SLUGIFY_USERNAMES: true,
    })
    await login(t, { account: { id: 1, login: 'Foo Bar' } })
    expect(loggedIn(t).username).toBe('foo-bar')
    expect([slugify('FooBar'), slugify('Foo Bar'), slugify('Foo (Bar)')]).toEqual([
      'foobar',
      'foo-bar',
      'foo-bar',
    ])
  })

  it('cleans usernames by default: non-ASCII and characters outside [\\w.@+-] are dropped', async () => {
    const t = await setup()
    await login(t, { account: { id: 1, login: 'jöhn doe!' } })
    expect(loggedIn(t).username).toBe('jhndoe')
    expect(cleanUsername('a.b@c+d-e_f')).toBe('a.b@c+d-e_f')
  })

  it('uses a custom CLEAN_USERNAME_FUNCTION and SLUGIFY_FUNCTION', async () => {
    const t = await setup({
      SOCIAL_AUTH_CLEAN_USERNAME_FUNCTION: (value: string) => value.toUpperCase(),
      SOCIAL_AUTH_SLUGIFY_USERNAMES: true,
      SOCIAL_AUTH_SLUGIFY_FUNCTION: (value: string) => `${value}-slug`,
    })
    await login(t)
    expect(loggedIn(t).username).toBe('FOOBAR-slug')
  })

  it('uses a random 32-hex username when the provider gives none, and the login succeeds (26)', async () => {
    const t = await setup()
    await login(t, { account: { id: 1, email: 'anon@example.com' } })
    expect(loggedIn(t).username).toMatch(/^[0-9a-f]{32}$/)
  })

  it('lower-cases the new user’s email with FORCE_EMAIL_LOWERCASE (27)', async () => {
    const t = await setup({ SOCIAL_AUTH_FORCE_EMAIL_LOWERCASE: true })
    await login(t, { account: { id: 1, login: 'foobar', email: 'Foo@bar.com' } })
    expect(loggedIn(t).email).toBe('foo@bar.com')
  })

  it('keeps the email as given without FORCE_EMAIL_LOWERCASE', async () => {
    const t = await setup()
    await login(t, { account: { id: 1, login: 'foobar', email: 'Foo@bar.com' } })
    expect((await findUser(t.storage, 'foobar'))?.email).toBe('Foo@bar.com')
  })

  it('creates the user from USER_FIELDS only, and without a username when it is not listed', async () => {
    const t = await setup({ SOCIAL_AUTH_USER_FIELDS: ['email', 'first_name'] })
    await login(t)
    expect(loggedIn(t)).toMatchObject({
      username: null,
      email: 'foo@bar.com',
      first_name: 'monalisa',
    })
  })

  it('keeps the logged-in user’s username instead of picking one', async () => {
    const t = await setup()
    const owner = await t.storage.user.createUser({ username: 'owner' })
    const seen: unknown[] = []
    t.social.events.on('account.linked', ({ user }) => seen.push(user.username))
    await login(t, { user: owner })
    expect(seen).toEqual(['owner'])
  })
})
