import { describe, expect, it } from '@jest/globals'
import {
  accessTokenExpired,
  InvalidExpiryValue,
  secondsUntilExpiry,
  sessionTimeout,
} from '../src/index.js'
import { codeOf, dummy, location, login, setup } from './helpers.js'

const NOW = Date.UTC(2026, 0, 1)
const now = Math.floor(NOW / 1000)

describe('account ids (psa.md §2.3 step 2)', () => {
  it.each([
    ['missing', { login: 'foobar' }],
    ['null', { id: null, login: 'foobar' }],
    ['empty', { id: '', login: 'foobar' }],
    ['an object', { id: { nested: 1 }, login: 'foobar' }],
  ])(
    'fails with ERR_AUTH_MISSING_UID when the id is %s, never storing the uid "None" (psa.md §9 fix)',
    async (_label, account) => {
      const t = await setup()
      expect(await codeOf(login(t, { account, onError: 'throw' }))).toBe('ERR_AUTH_MISSING_UID')
      expect(await t.storage.user.getSocialAuth('dummy', 'None')).toBeNull()
      expect(await t.storage.user.getSocialAuth('dummy', 'undefined')).toBeNull()
    },
  )

  it('stores a numeric id as its decimal string', async () => {
    const t = await setup()
    await login(t, { account: { id: 42, login: 'foobar' } })
    expect(await t.storage.user.getSocialAuth('dummy', '42')).not.toBeNull()
  })
})

describe('extra data (PSA behaviours 39–40)', () => {
  it('stores auth_time, the tokens and the declared EXTRA_DATA, omitting a falsy discardable entry (39)', async () => {
    const t = await setup(
      {},
      {
        backends: [
          dummy({
            extraData: [['id', 'id'], ['expires', 'expires'], ['empty', 'empty', true], 'url'],
          }),
        ],
        now: () => NOW,
      },
    )
    await login(t, {
      account: {
        id: 1,
        login: 'foobar',
        expires: 3600,
        empty: '',
        url: 'https://x.example/foobar',
      },
    })
    const social = await t.storage.user.getSocialAuth('dummy', '1')
    expect(social?.extra_data).toEqual({
      auth_time: now,
      id: 1,
      expires: 3600,
      url: 'https://x.example/foobar',
      access_token: 'foobar',
      token_type: 'bearer',
    })
  })

  it('adds SOCIAL_AUTH_<BACKEND>_EXTRA_DATA entries to the backend’s own', async () => {
    const t = await setup({ SOCIAL_AUTH_DUMMY_EXTRA_DATA: [['login', 'github_login']] })
    await login(t)
    expect((await t.storage.user.getSocialAuth('dummy', '1'))?.extra_data.github_login).toBe(
      'foobar',
    )
  })

  it('keeps the whole provider answer with GET_ALL_EXTRA_DATA (40)', async () => {
    const t = await setup({ SOCIAL_AUTH_GET_ALL_EXTRA_DATA: true })
    const account = {
      id: 1,
      login: 'foobar',
      email: 'foo@bar.com',
      name: 'n',
      url: 'u',
      avatar: 'a',
      not_normally_in_extra_data: 'x',
    }
    await login(t, { account })
    const data = (await t.storage.user.getSocialAuth('dummy', '1'))!.extra_data
    expect(Object.keys(data)).toHaveLength(10)
    expect(data).toMatchObject({ not_normally_in_extra_data: 'x', access_token: 'foobar' })
    expect(data).toHaveProperty('auth_time')
  })

  it('merges extra data on a later login, keeping a refresh token the provider did not resend (social-core#166)', async () => {
    const t = await setup({
      SOCIAL_AUTH_DUMMY_EXTRA_DATA: [['refresh_token', 'refresh_token', true]],
    })
    await login(t, { account: { id: 1, login: 'foobar', refresh_token: 'r1', access_token: 'a1' } })
    await login(t, { account: { id: 1, login: 'foobar', access_token: 'a2' } })
    expect((await t.storage.user.getSocialAuth('dummy', '1'))?.extra_data).toMatchObject({
      access_token: 'a2',
      refresh_token: 'r1',
    })
  })

  it('fails with ERR_AUTH_UNKNOWN for an EXTRA_DATA entry that is not a name', async () => {
    const t = await setup({}, { backends: [dummy({ extraData: [[1 as never, 'x']] })] })
    expect(await codeOf(login(t, { onError: 'throw' }))).toBe('ERR_AUTH_UNKNOWN')
  })
})

describe('token expiry (PSA behaviours 41–43)', () => {
  it('reads an absolute expires a day ahead as at most a day (41)', () => {
    const seconds = secondsUntilExpiry({ expires: now + 86_400 }, NOW)!
    expect(seconds).toBeLessThanOrEqual(86_400)
    expect(seconds).toBeGreaterThan(86_000)
  })

  it('reads expires_on, expires_in and expires the way PSA does (42)', () => {
    expect(secondsUntilExpiry({ expires_on: now + 3600 }, NOW)).toBe(3600)
    expect(secondsUntilExpiry({ expires_on: now - 3600 }, NOW)).toBe(-3600)
    expect(secondsUntilExpiry({ expires_in: 3600, auth_time: now - 1800 }, NOW)).toBe(1800)
    expect(secondsUntilExpiry({ expires_in: 3600 }, NOW)).toBe(3600)
    expect(secondsUntilExpiry({ expires: 86_400 }, NOW)).toBe(86_400)
    expect(secondsUntilExpiry({ expires: now }, NOW)).toBe(0)
    expect(secondsUntilExpiry({ expires_on: now + 10, expires_in: 20, expires: 30 }, NOW)).toBe(10)
    expect(secondsUntilExpiry({ expires_in: 20, expires: 30 }, NOW)).toBe(20)
    expect(secondsUntilExpiry({ expires_in: '20' }, NOW)).toBe(20)
    expect(secondsUntilExpiry({}, NOW)).toBeUndefined()
  })

  it('raises InvalidExpiryValue with the field name and value for a non-numeric expiry (42)', () => {
    let thrown: unknown
    try {
      secondsUntilExpiry({ expires_in: 'soon' }, NOW)
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(InvalidExpiryValue)
    expect(thrown).toMatchObject({
      code: 'ERR_INVALID_EXPIRY_VALUE',
      fieldName: 'expires_in',
      value: 'soon',
      message: "Invalid expiry value for field 'expires_in': soon",
    })
  })

  it('counts a token expiring within 5 seconds as expired (43)', () => {
    expect(accessTokenExpired({ expires_on: now + 3 }, NOW)).toBe(true)
    expect(accessTokenExpired({ expires_on: now + 3600 }, NOW)).toBe(false)
    expect(accessTokenExpired({}, NOW)).toBe(false)
  })
})

describe('session length (PSA behaviour 73, get_session_timeout)', () => {
  it('uses MAX_SESSION_LENGTH, including 0, when SESSION_EXPIRATION is off', () => {
    expect(sessionTimeout({ expires_in: 60 }, { expiration: false }, NOW)).toBeUndefined()
    expect(sessionTimeout({ expires_in: 60 }, { expiration: false, maxLength: 90 }, NOW)).toBe(90)
    expect(sessionTimeout({ expires_in: 60 }, { expiration: false, maxLength: 0 }, NOW)).toBe(0)
  })

  it('uses the token lifetime capped by MAX_SESSION_LENGTH when SESSION_EXPIRATION is on', () => {
    expect(sessionTimeout({ expires_in: 60 }, { expiration: true }, NOW)).toBe(60)
    expect(sessionTimeout({ expires_in: 60 }, { expiration: true, maxLength: 90 }, NOW)).toBe(60)
    expect(sessionTimeout({ expires_in: 60 }, { expiration: true, maxLength: 30 }, NOW)).toBe(30)
    expect(sessionTimeout({}, { expiration: true, maxLength: 30 }, NOW)).toBe(30)
    expect(sessionTimeout({}, { expiration: true }, NOW)).toBeUndefined()
  })

  it('lets the token lifetime win over MAX_SESSION_LENGTH=0 (a browser-session cookie could outlive it)', () => {
    expect(sessionTimeout({ expires_in: 60 }, { expiration: true, maxLength: 0 }, NOW)).toBe(60)
    expect(sessionTimeout({}, { expiration: true, maxLength: 0 }, NOW)).toBe(0)
  })

  it.each([
    ['expired a minute ago', { expires_on: now - 60 }],
    ['expiring this very second', { expires_at: now }],
  ])(
    'fails with ERR_AUTH_TOKEN when SESSION_EXPIRATION is on and the token %s, instead of a session over at once',
    async (_label, expiry) => {
      expect(() => sessionTimeout(expiry, { expiration: true }, NOW)).toThrow(
        expect.objectContaining({ code: 'ERR_AUTH_TOKEN' }),
      )
      const t = await setup(
        { SOCIAL_AUTH_SESSION_EXPIRATION: true, SOCIAL_AUTH_DUMMY_EXTRA_DATA: Object.keys(expiry) },
        { now: () => NOW },
      )
      const res = await login(t, { account: { id: 1, login: 'foobar', ...expiry } })
      expect(location(res)).toBe('/login?error=ERR_AUTH_TOKEN&backend=dummy')
      expect(t.logins).toHaveLength(0)
    },
  )

  it('refuses a negative MAX_SESSION_LENGTH at start-up', async () => {
    expect(await codeOf(setup({ SOCIAL_AUTH_DUMMY_MAX_SESSION_LENGTH: -1 }))).toBe(
      'ERR_INVALID_SETTING',
    )
  })

  it('hands the session length to the login function', async () => {
    const t = await setup(
      {
        SOCIAL_AUTH_SESSION_EXPIRATION: true,
        SOCIAL_AUTH_MAX_SESSION_LENGTH: 7200,
        SOCIAL_AUTH_DUMMY_EXTRA_DATA: ['expires_in'],
      },
      { now: () => NOW },
    )
    await login(t, { account: { id: 1, login: 'foobar', expires_in: 3600 } })
    expect(t.logins[0]?.sessionTimeout).toBe(3600)
    const plain = await setup()
    await login(plain)
    expect(plain.logins[0]?.sessionTimeout).toBeUndefined()
  })
})
