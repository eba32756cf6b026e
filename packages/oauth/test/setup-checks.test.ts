import { describe, expect, it } from '@jest/globals'
import {
  createSocialAuth,
  ImproperlyConfigured,
  InvalidSetting,
  memoryStorage,
  type Settings,
} from '@social-auth/core'
import { oidc } from '../src/index.js'

// Settings the oidc backend refuses when the app starts (createSocialAuth runs each backend's
// setup), rather than bending them into something else at the first login.
const start = (settings: Settings) =>
  createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [oidc()],
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: 'https://op.example',
      SOCIAL_AUTH_OIDC_KEY: 'client',
      SOCIAL_AUTH_OIDC_SECRET: 'secret',
      ...settings,
    },
    storage: memoryStorage(),
  })

async function refusal(settings: Settings): Promise<InvalidSetting> {
  const err = await start(settings).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InvalidSetting)
  expect(err).toBeInstanceOf(ImproperlyConfigured)
  return err as InvalidSetting
}

describe('id_token settings checked at start-up', () => {
  // Non-finite numbers are refused by core's type check of every number setting; the others
  // by the backend's setup. Either way: ERR_INVALID_SETTING naming the key that was set.
  it('refuses a negative JWT_LEEWAY (it was silently taken as 0)', async () => {
    for (const value of [-1, -0.5, Number.NEGATIVE_INFINITY, Number.NaN]) {
      const err = await refusal({ SOCIAL_AUTH_OIDC_JWT_LEEWAY: value })
      expect([err.code, err.setting]).toEqual([
        'ERR_INVALID_SETTING',
        'SOCIAL_AUTH_OIDC_JWT_LEEWAY',
      ])
    }
    // Also when set for every backend rather than for this one.
    expect((await refusal({ SOCIAL_AUTH_JWT_LEEWAY: -5 })).setting).toBe('SOCIAL_AUTH_JWT_LEEWAY')
  })

  it('refuses an ID_TOKEN_MAX_AGE that is not a positive, finite number of seconds', async () => {
    for (const value of [0, -600, Number.NaN, Number.POSITIVE_INFINITY]) {
      const err = await refusal({ SOCIAL_AUTH_OIDC_ID_TOKEN_MAX_AGE: value })
      expect([err.code, err.setting]).toEqual([
        'ERR_INVALID_SETTING',
        'SOCIAL_AUTH_OIDC_ID_TOKEN_MAX_AGE',
      ])
    }
  })

  it('accepts a JWT_LEEWAY of 0 or above 60 (the cap applies), and any positive ID_TOKEN_MAX_AGE', async () => {
    for (const settings of [
      { SOCIAL_AUTH_OIDC_JWT_LEEWAY: 0 },
      { SOCIAL_AUTH_OIDC_JWT_LEEWAY: 300 },
      { SOCIAL_AUTH_OIDC_ID_TOKEN_MAX_AGE: 0.5 },
      { SOCIAL_AUTH_OIDC_ID_TOKEN_MAX_AGE: 86_400 },
    ]) {
      await expect(start(settings)).resolves.toBeDefined()
    }
  })
})

describe('endpoint overrides checked at start-up', () => {
  const OVERRIDES = [
    'AUTHORIZATION_URL',
    'ACCESS_TOKEN_URL',
    'REVOKE_TOKEN_URL',
    'USERINFO_URL',
    'JWKS_URI',
  ]

  // Discovery, and so the overrides, ran only at the first login: a plain-http userinfo URL
  // deployed fine and failed the first person to sign in.
  it('refuses an override that is not an https URL (http only on loopback), naming the key', async () => {
    for (const name of OVERRIDES) {
      for (const value of ['http://op.example/endpoint', 'op.example/endpoint', '']) {
        const err = await refusal({ [`SOCIAL_AUTH_OIDC_${name}`]: value })
        expect([err.code, err.setting]).toEqual(['ERR_INVALID_SETTING', `SOCIAL_AUTH_OIDC_${name}`])
      }
    }
  })

  it('accepts https and loopback http overrides, and null (PSA’s None: discovery’s value)', async () => {
    for (const name of OVERRIDES) {
      for (const value of ['https://op.example/endpoint', 'http://127.0.0.1:9/endpoint', null]) {
        await expect(start({ [`SOCIAL_AUTH_OIDC_${name}`]: value })).resolves.toBeDefined()
      }
    }
  })
})

describe('ID_TOKEN_ISSUER checked at start-up', () => {
  it('refuses an empty ID_TOKEN_ISSUER, naming the key (null means discovery’s issuer)', async () => {
    for (const value of ['', '  ']) {
      const err = await refusal({ SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: value })
      expect([err.code, err.setting]).toEqual([
        'ERR_INVALID_SETTING',
        'SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER',
      ])
    }
    // An identifier, never fetched: a bare host (Google's legacy `iss`) is one.
    for (const value of [null, 'accounts.google.com', 'https://login.example/tenant/v2.0']) {
      await expect(start({ SOCIAL_AUTH_OIDC_ID_TOKEN_ISSUER: value })).resolves.toBeDefined()
    }
  })
})

describe('OIDC request parameters checked at start-up (PSA auth_params, psa.md §4.2)', () => {
  // PSA raises AuthInvalidParameter (AuthMissingParameter for DISPLAY) at every login; these
  // were sent to the provider as they were (and an empty one silently dropped).
  it('refuses the values PSA refuses, naming the key that was set', async () => {
    const refused: [string, unknown][] = [
      ['PROMPT', 'bogus'],
      ['PROMPT', 'login bogus'],
      ['PROMPT', ''],
      ['PROMPT', '   '],
      ['DISPLAY', 'bogus'],
      ['DISPLAY', ''],
      ['MAX_AGE', -1],
      ['UI_LOCALES', ''],
      ['UI_LOCALES', ' '],
      ['ID_TOKEN_HINT', ''],
      ['LOGIN_HINT', ''],
      ['ACR_VALUES', ''],
    ]
    for (const [name, value] of refused) {
      const err = await refusal({ [`SOCIAL_AUTH_OIDC_${name}`]: value })
      expect([err.code, err.setting]).toEqual(['ERR_INVALID_SETTING', `SOCIAL_AUTH_OIDC_${name}`])
    }
    // Set for every backend, the error names the global key.
    expect((await refusal({ SOCIAL_AUTH_PROMPT: 'bogus' })).setting).toBe('SOCIAL_AUTH_PROMPT')
  })

  it('accepts the values PSA accepts, and null (PSA’s None: not sent)', async () => {
    for (const settings of [
      { SOCIAL_AUTH_OIDC_PROMPT: 'login consent' },
      { SOCIAL_AUTH_OIDC_PROMPT: 'none' },
      { SOCIAL_AUTH_OIDC_PROMPT: 'select_account' },
      { SOCIAL_AUTH_OIDC_DISPLAY: 'popup' },
      { SOCIAL_AUTH_OIDC_MAX_AGE: 0 },
      { SOCIAL_AUTH_OIDC_UI_LOCALES: 'fr-CA fr en' },
      { SOCIAL_AUTH_OIDC_LOGIN_HINT: 'alice@example.com' },
      { SOCIAL_AUTH_OIDC_ACR_VALUES: 'urn:mace:incommon:iap:silver' },
      { SOCIAL_AUTH_OIDC_PROMPT: null, SOCIAL_AUTH_OIDC_MAX_AGE: null },
    ]) {
      await expect(start(settings)).resolves.toBeDefined()
    }
  })
})

describe('PSA settings this package does not support (psa.md §2.7)', () => {
  const improperly = async (settings: Settings): Promise<ImproperlyConfigured> => {
    const err = await start(settings).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    expect((err as ImproperlyConfigured).code).toBe('ERR_IMPROPERLY_CONFIGURED')
    return err as ImproperlyConfigured
  }

  // Each was silently ignored: a deployment that turned TLS checks off for a private CA, or
  // sent provider calls through a proxy, got neither and learnt it from failed logins.
  it('fails start-up naming the key and what to use instead, set for one backend or for all', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['VERIFY_SSL', false, /NODE_EXTRA_CA_CERTS/],
      ['VERIFY_SSL', '/etc/ssl/private-ca.pem', /NODE_EXTRA_CA_CERTS/],
      ['PROXIES', { https: 'http://proxy.internal:3128' }, /fetch/],
      ['PKCE_CODE_CHALLENGE_METHOD', 'plain', /S256.*USE_PKCE=false/],
      ['PKCE_CODE_VERIFIER_LENGTH', 128, /43 characters/],
      ['JWT_DECODE_OPTIONS', { verify_aud: false }, /JWT_LEEWAY/],
    ]
    for (const [name, value, instead] of cases) {
      for (const key of [`SOCIAL_AUTH_OIDC_${name}`, `SOCIAL_AUTH_${name}`, name]) {
        const err = await improperly({ [key]: value })
        expect(err.message).toMatch(new RegExp(`^${key} \\(a PSA setting\\) is not supported: `))
        expect(err.message).toMatch(instead)
      }
    }
  })

  it('accepts the values that ask for what this package does anyway, and null', async () => {
    for (const settings of [
      { SOCIAL_AUTH_VERIFY_SSL: true },
      { SOCIAL_AUTH_OIDC_PROXIES: {} },
      { SOCIAL_AUTH_OIDC_PKCE_CODE_CHALLENGE_METHOD: 'S256' },
      { SOCIAL_AUTH_OIDC_PKCE_CODE_CHALLENGE_METHOD: 's256' },
      { SOCIAL_AUTH_PKCE_CODE_VERIFIER_LENGTH: 43 },
      { SOCIAL_AUTH_OIDC_JWT_DECODE_OPTIONS: {} },
      { SOCIAL_AUTH_VERIFY_SSL: null, SOCIAL_AUTH_PROXIES: null },
    ]) {
      await expect(start(settings)).resolves.toBeDefined()
    }
  })
})

describe('TOKEN_ENDPOINT_AUTH_METHOD checked at start-up', () => {
  it('refuses a method this package does not send (it became client_secret_post silently)', async () => {
    for (const value of ['private_key_jwt', 'client_secret_jwt', 'none', 'client-secret-basic']) {
      const err = await refusal({ SOCIAL_AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD: value })
      expect([err.code, err.setting]).toEqual([
        'ERR_INVALID_SETTING',
        'SOCIAL_AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD',
      ])
    }
  })

  it('accepts client_secret_post, client_secret_basic, and null', async () => {
    for (const value of ['client_secret_post', 'client_secret_basic', null]) {
      await expect(
        start({ SOCIAL_AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD: value }),
      ).resolves.toBeDefined()
    }
  })
})
