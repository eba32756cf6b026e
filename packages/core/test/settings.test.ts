import { describe, expect, it } from '@jest/globals'
import {
  createSocialAuth,
  defineSettings,
  ImproperlyConfigured,
  InvalidSetting,
  memoryStorage,
  SettingsResolver,
  settingsFromEnv,
  type Settings,
} from '../src/index.js'
import { codeOf, dummy, location, login, setup } from './helpers.js'

describe('settings lookup (psa.md §1.4)', () => {
  it('prefers SOCIAL_AUTH_<BACKEND>_<NAME>, then SOCIAL_AUTH_<NAME>, then <NAME> (PSA behaviour 1)', () => {
    const settings = new SettingsResolver({
      SOCIAL_AUTH_OSSO_LOGIN_URL: '/osso',
      SOCIAL_AUTH_LOGIN_URL: '/social',
      LOGIN_URL: '/bare',
      SOCIAL_AUTH_LOGIN_ERROR_URL: '/error',
      INACTIVE_USER_URL: '/inactive',
    })
    expect(settings.get('LOGIN_URL', { backend: 'osso' })).toBe('/osso')
    expect(settings.get('LOGIN_URL', { backend: 'github' })).toBe('/social')
    expect(settings.get('LOGIN_URL')).toBe('/social')
    expect(settings.get('LOGIN_ERROR_URL', { backend: 'osso' })).toBe('/error')
    expect(settings.get('INACTIVE_USER_URL', { backend: 'osso' })).toBe('/inactive')
  })

  it('upper-cases the backend name and turns dashes into underscores in per-backend names', () => {
    const settings = new SettingsResolver({ SOCIAL_AUTH_GOOGLE_OAUTH2_LOGIN_URL: '/google' })
    expect(settings.get('LOGIN_URL', { backend: 'google-oauth2' })).toBe('/google')
  })

  it('lets a present false or null win over a lower name and the default, as PSA does', () => {
    const settings = new SettingsResolver({
      SOCIAL_AUTH_DUMMY_CLEAN_USERNAMES: false,
      SOCIAL_AUTH_LOGIN_URL: null,
      LOGIN_URL: '/x',
    })
    expect(settings.get('CLEAN_USERNAMES', { backend: 'dummy' })).toBe(false)
    expect(settings.get('CLEAN_USERNAMES', { backend: 'other' })).toBe(true)
    expect(settings.get('LOGIN_URL')).toBeNull()
  })

  it('treats a name holding undefined as unset, so `X: process.env.X` never shadows a value or a safe default', () => {
    const settings = new SettingsResolver({
      SOCIAL_AUTH_DUMMY_LOGIN_URL: undefined,
      LOGIN_URL: '/login',
      SOCIAL_AUTH_SANITIZE_REDIRECTS: undefined,
    })
    expect(settings.get('LOGIN_URL', { backend: 'dummy' })).toBe('/login')
    expect(settings.get('SANITIZE_REDIRECTS', { backend: 'dummy' })).toBe(true)
    expect(settings.has('SANITIZE_REDIRECTS', 'dummy')).toBe(false)
  })

  it('reads a setting’s fallback, in its own PSA order, when the setting is unset or falsy (PSA: REQUESTS_TIMEOUT or URLOPEN_TIMEOUT)', () => {
    defineSettings({
      TEST_NEW_NAME: {
        type: 'number',
        default: 5,
        scope: 'backend',
        doc: 'A newer name.',
        fallback: 'TEST_OLD_NAME',
      },
      TEST_OLD_NAME: { type: 'number', scope: 'backend', doc: 'An older name.' },
    })
    const read = (values: Settings, fallback?: number) =>
      new SettingsResolver(values).get('TEST_NEW_NAME', {
        backend: 'dummy',
        ...(fallback === undefined ? {} : { default: fallback }),
      })
    expect(read({ SOCIAL_AUTH_DUMMY_TEST_OLD_NAME: 1, TEST_OLD_NAME: 2 })).toBe(1)
    expect(read({ TEST_OLD_NAME: 2 })).toBe(2)
    // Any name of the setting itself wins, a global one over a per-backend fallback.
    expect(read({ SOCIAL_AUTH_TEST_NEW_NAME: 3, SOCIAL_AUTH_DUMMY_TEST_OLD_NAME: 1 })).toBe(3)
    // The fallback comes before the caller's default and the spec's.
    expect(read({ SOCIAL_AUTH_TEST_OLD_NAME: 4 }, 9)).toBe(4)
    expect(read({}, 9)).toBe(9)
    expect(read({})).toBe(5)
    expect(
      new SettingsResolver({ SOCIAL_AUTH_TEST_OLD_NAME: 4 }).sourceOf('TEST_NEW_NAME', 'dummy'),
    ).toBe('SOCIAL_AUTH_TEST_OLD_NAME')
    // `NEW or OLD`: a falsy value of the setting (None, 0) gives way to the fallback's…
    expect(read({ SOCIAL_AUTH_TEST_NEW_NAME: null, SOCIAL_AUTH_TEST_OLD_NAME: 4 })).toBe(4)
    expect(read({ SOCIAL_AUTH_DUMMY_TEST_NEW_NAME: 0, TEST_OLD_NAME: 2 })).toBe(2)
    expect(
      new SettingsResolver({ TEST_NEW_NAME: null, TEST_OLD_NAME: 2 }).sourceOf(
        'TEST_NEW_NAME',
        'dummy',
      ),
    ).toBe('TEST_OLD_NAME')
    // …and stands when the fallback is not set.
    expect(read({ SOCIAL_AUTH_TEST_NEW_NAME: null }, 9)).toBeNull()
  })

  it('returns PSA’s defaults for unset engine settings (§2.7)', () => {
    const settings = new SettingsResolver({})
    expect(settings.get('USER_FIELDS')).toEqual(['username', 'email'])
    expect(settings.get('UUID_LENGTH')).toBe(16)
    expect(settings.get('CLEAN_USERNAMES')).toBe(true)
    expect(settings.get('SLUGIFY_USERNAMES')).toBe(false)
    expect(settings.get('SANITIZE_REDIRECTS')).toBe(true)
    expect(settings.get('ALLOWED_REDIRECT_SCHEMES')).toEqual(['http', 'https'])
    expect(settings.get('PARTIAL_PIPELINE_TOKEN_NAME')).toBe('partial_token')
    expect(settings.get('PARTIAL_PIPELINE_EXTERNAL_RESUME_CONFIRMATION_PARAMETER')).toBe(
      'partial_pipeline_confirm',
    )
    expect(settings.get('REVOKE_TOKENS_ON_DISCONNECT')).toBe(false)
  })

  it('reads a per-backend KEY and never falls back to a global KEY (psa.md §9 fix; SOCIAL_AUTH_KEY is refused, below)', async () => {
    const t = await setup(
      {
        SOCIAL_AUTH_DUMMY_KEY: 'dummy-key',
        KEY: 'bare-key',
        SECRET: 's',
      },
      { backends: [dummy(), dummy({ name: 'other' })] },
    )
    expect(t.social.getBackend('dummy').setting('KEY')).toBe('dummy-key')
    expect(t.social.getBackend('other').setting('KEY')).toBeUndefined()
    expect(t.social.getBackend('other').setting('SECRET')).toBeUndefined()
  })

  it('reads the account id from a configured ID_KEY (PSA behaviour 2)', async () => {
    const t = await setup({ SOCIAL_AUTH_DUMMY_ID_KEY: 'custom_id' })
    expect(
      t.social.getBackend('dummy').getUserId({}, { custom_id: '12345', default_id: '67890' }),
    ).toBe('12345')
  })

  it('refuses a numeric account id beyond Number.MAX_SAFE_INTEGER with ERR_AUTH_MISSING_UID (security.md §5.6)', async () => {
    const backend = (await setup({})).social.getBackend('dummy')
    // JSON.parse rounds both to 9007199254740992: two accounts would share one uid.
    const above = JSON.parse('{"id": 9007199254740993}') as Record<string, unknown>
    const edge = JSON.parse('{"id": 9007199254740992}') as Record<string, unknown>
    for (const response of [above, edge, { id: 1e21 }, { id: 1.5 }]) {
      expect(() => backend.getUserId({}, response)).toThrow(
        expect.objectContaining({ code: 'ERR_AUTH_MISSING_UID' }),
      )
    }
    expect(backend.getUserId({}, { id: Number.MAX_SAFE_INTEGER })).toBe('9007199254740991')
    expect(backend.getUserId({}, { id: '9007199254740993' })).toBe('9007199254740993')
  })

  it('uses the per-backend value of a URL setting in the redirect decision', async () => {
    const t = await setup({ SOCIAL_AUTH_DUMMY_LOGIN_REDIRECT_URL: '/dummy-home' })
    expect(location(await login(t))).toBe('/dummy-home')
  })
})

describe('setting types are checked in createSocialAuth', () => {
  it('fails with ERR_INVALID_SETTING naming a setting of the wrong type', async () => {
    const err = await createSocialAuth({
      settings: { AUTHENTICATION_BACKENDS: [dummy()], SOCIAL_AUTH_DUMMY_USER_FIELDS: 'username' },
      storage: memoryStorage(),
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_INVALID_SETTING',
      setting: 'SOCIAL_AUTH_DUMMY_USER_FIELDS',
    })
    expect((err as Error).message).toContain('SOCIAL_AUTH_DUMMY_USER_FIELDS')
  })

  it('fails with ERR_INVALID_SETTING for a boolean given as a string', async () => {
    const code = await codeOf(
      createSocialAuth({
        settings: { SOCIAL_AUTH_SANITIZE_REDIRECTS: 'yes' },
        storage: memoryStorage(),
      }),
    )
    expect(code).toBe('ERR_INVALID_SETTING')
  })

  it('fails with ERR_INVALID_SETTING for a function setting that names no loadable export', async () => {
    const err = await createSocialAuth({
      settings: { SOCIAL_AUTH_CLEAN_USERNAME_FUNCTION: 'myapp.utils.clean' },
      storage: memoryStorage(),
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_INVALID_SETTING',
      setting: 'SOCIAL_AUTH_CLEAN_USERNAME_FUNCTION',
    })
  })

  it('fails with ERR_STORAGE_MISSING without a storage (PSA behaviour 70, StrategyMissingBackendError)', async () => {
    const code = await codeOf(createSocialAuth({ settings: {}, storage: undefined as never }))
    expect(code).toBe('ERR_STORAGE_MISSING')
  })
})

describe('the global form of a per-backend-only setting (PSA falls back to it)', () => {
  it('fails createSocialAuth naming the per-backend name, for SOCIAL_AUTH_KEY and SOCIAL_AUTH_SECRET', async () => {
    for (const name of ['KEY', 'SECRET']) {
      const err = await createSocialAuth({
        settings: { AUTHENTICATION_BACKENDS: [dummy()], [`SOCIAL_AUTH_${name}`]: 'shared' },
        storage: memoryStorage(),
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ImproperlyConfigured)
      expect((err as Error).message).toBe(
        `SOCIAL_AUTH_${name} is not read: ${name} is read per backend only (SOCIAL_AUTH_<BACKEND>_${name}), so that no provider gets another's`,
      )
    }
  })

  it('accepts the per-backend names, and leaves a bare KEY (not a social-auth name) alone', async () => {
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [dummy()],
        SOCIAL_AUTH_DUMMY_KEY: 'id',
        SOCIAL_AUTH_DUMMY_SECRET: 'secret',
        KEY: 'an app setting of its own',
      },
      storage: memoryStorage(),
    })
    expect(social.getBackend('dummy').setting('KEY')).toBe('id')
  })
})

describe('PSA settings a package declares unsupported', () => {
  // A package's declaration, as the oauth package makes for VERIFY_SSL or PROXIES.
  defineSettings({
    TEST_UNSUPPORTED: {
      type: 'boolean',
      scope: 'backend',
      doc: 'A PSA setting with no equivalent here.',
      unsupported: { instead: 'do this other thing', accepts: (value) => value === true },
    },
    TEST_UNSUPPORTED_ALWAYS: {
      type: 'any',
      scope: 'backend',
      doc: 'A PSA setting with no equivalent here, whatever its value.',
      unsupported: { instead: 'remove it' },
    },
  })
  const start = (settings: Settings) =>
    createSocialAuth({
      settings: { AUTHENTICATION_BACKENDS: [dummy()], ...settings },
      storage: memoryStorage(),
    })

  it('fails createSocialAuth with ERR_IMPROPERLY_CONFIGURED naming the key and what to use instead, in each form', async () => {
    for (const key of [
      'SOCIAL_AUTH_DUMMY_TEST_UNSUPPORTED',
      'SOCIAL_AUTH_TEST_UNSUPPORTED',
      'TEST_UNSUPPORTED',
    ]) {
      const err = await start({ [key]: false }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ImproperlyConfigured)
      expect(err).not.toBeInstanceOf(InvalidSetting)
      expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED' })
      expect((err as Error).message).toBe(
        `${key} (a PSA setting) is not supported: do this other thing`,
      )
    }
    for (const value of [{}, 0, 'x', true]) {
      expect(await codeOf(start({ TEST_UNSUPPORTED_ALWAYS: value }))).toBe(
        'ERR_IMPROPERLY_CONFIGURED',
      )
    }
  })

  it('is refused before its type is checked: the message says why, not which type', async () => {
    const err = await start({ SOCIAL_AUTH_TEST_UNSUPPORTED: '/etc/ssl/ca.pem' }).catch(
      (e: unknown) => e,
    )
    expect((err as Error).message).toContain('do this other thing')
  })

  it('admits the values the declaration accepts, and null or undefined (unset)', async () => {
    for (const value of [true, null, undefined]) {
      await expect(
        start({ SOCIAL_AUTH_TEST_UNSUPPORTED: value, TEST_UNSUPPORTED_ALWAYS: null }),
      ).resolves.toBeDefined()
    }
  })
})

describe('redirect settings are checked in createSocialAuth', () => {
  const failure = (settings: Record<string, unknown>): Promise<unknown> =>
    setup(settings).then(
      () => undefined,
      (err: unknown) => err,
    )

  it.each([
    'LOGIN_URL',
    'LOGIN_REDIRECT_URL',
    'LOGIN_ERROR_URL',
    'NEW_USER_REDIRECT_URL',
    'NEW_ASSOCIATION_REDIRECT_URL',
    'DISCONNECT_REDIRECT_URL',
    'INACTIVE_USER_URL',
    'LINK_ACCOUNT_URL',
    'EMAIL_VALIDATION_URL',
  ])(
    'refuses %s holding a Django URL name, which PSA’s setting_url would skip silently',
    async (name) => {
      for (const key of [name, `SOCIAL_AUTH_${name}`]) {
        const err = await failure({ [key]: 'profile' })
        expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED' })
        expect((err as Error).message).toContain(`${key} must be a path`)
      }
    },
  )

  it('names the per-backend setting and checks it against that backend’s schemes', async () => {
    const err = await failure({ SOCIAL_AUTH_DUMMY_LOGIN_REDIRECT_URL: 'profile' })
    expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED', backend: 'dummy' })
    expect((err as Error).message).toContain('SOCIAL_AUTH_DUMMY_LOGIN_REDIRECT_URL')
    expect(await codeOf(setup({ SOCIAL_AUTH_DUMMY_LOGIN_REDIRECT_URL: 'myapp://done' }))).toBe(
      'ERR_IMPROPERLY_CONFIGURED',
    )
    await expect(
      setup({
        SOCIAL_AUTH_DUMMY_LOGIN_REDIRECT_URL: 'myapp://done',
        SOCIAL_AUTH_DUMMY_ALLOWED_REDIRECT_SCHEMES: ['http', 'https', 'myapp'],
      }),
    ).resolves.toBeDefined()
  })

  it('accepts paths, http(s) URLs and null, and refuses an empty string', async () => {
    await expect(
      setup({
        LOGIN_REDIRECT_URL: 'https://app.example/profile',
        NEW_USER_REDIRECT_URL: '/welcome',
        LOGIN_ERROR_URL: null,
        // An empty environment variable (LOGIN_URL= in a compose file): no URL, as PSA's is_url.
        ...settingsFromEnv({ LOGIN_URL: '' }),
        SOCIAL_AUTH_INACTIVE_USER_URL: '',
        // Not a redirect setting: provider endpoints have their own rules.
        SOCIAL_AUTH_DUMMY_API_URL: 'api',
      }),
    ).resolves.toBeDefined()
  })
})

describe('settingsFromEnv', () => {
  it('reads SOCIAL_AUTH_* and Django’s top-level names, typed by the known settings', () => {
    const settings = settingsFromEnv({
      SOCIAL_AUTH_OSSO_KEY: 'client',
      SOCIAL_AUTH_OSSO_SECRET: 'secret',
      SOCIAL_AUTH_OSSO_BASE_URL: 'https://osso.example',
      LOGIN_REDIRECT_URL: '/profile',
      SOCIAL_AUTH_SANITIZE_REDIRECTS: 'false',
      SOCIAL_AUTH_UUID_LENGTH: '8',
      SOCIAL_AUTH_WHITELISTED_DOMAINS: 'example.com, example.org',
      SOCIAL_AUTH_USER_FIELDS: '["username","email"]',
      SOCIAL_AUTH_USER_FIELD_MAPPING: '{"fullname":"display_name"}',
      SOCIAL_AUTH_PIPELINE: 'social_details,social_uid',
      PATH: '/usr/bin',
      KEY: 'a-bare-key-is-never-taken',
    })
    expect(settings).toEqual({
      SOCIAL_AUTH_OSSO_KEY: 'client',
      SOCIAL_AUTH_OSSO_SECRET: 'secret',
      SOCIAL_AUTH_OSSO_BASE_URL: 'https://osso.example',
      LOGIN_REDIRECT_URL: '/profile',
      SOCIAL_AUTH_SANITIZE_REDIRECTS: false,
      SOCIAL_AUTH_UUID_LENGTH: 8,
      SOCIAL_AUTH_WHITELISTED_DOMAINS: ['example.com', 'example.org'],
      SOCIAL_AUTH_USER_FIELDS: ['username', 'email'],
      SOCIAL_AUTH_USER_FIELD_MAPPING: { fullname: 'display_name' },
      SOCIAL_AUTH_PIPELINE: ['social_details', 'social_uid'],
    })
  })

  // The OIDC backend's DISPLAY and PROMPT are bare names of the shell too (X11, Windows cmd);
  // examples/express-osso's OIDC test runs a login with them in the environment.
  it('takes no other bare name, whether a known setting (USER_FIELDS) or not', () => {
    const settings = settingsFromEnv({
      DISPLAY: ':99', // X11
      PROMPT: '$P$G', // Windows cmd
      SCOPE: 'machine',
      USER_AGENT: 'curl/8',
      MAX_AGE: '60',
      USER_FIELDS: 'nickname',
      SOCIAL_AUTH_OIDC_PROMPT: 'login',
      AUTHENTICATION_BACKENDS: 'social_core.backends.osso.OssoOAuth2',
      LOGIN_URL: '/',
      LOGIN_ERROR_URL: '/oops',
    })
    expect(settings).toEqual({
      SOCIAL_AUTH_OIDC_PROMPT: 'login',
      AUTHENTICATION_BACKENDS: ['social_core.backends.osso.OssoOAuth2'],
      LOGIN_URL: '/',
      LOGIN_ERROR_URL: '/oops',
    })
  })

  it('treats an empty boolean or number variable as unset rather than false', () => {
    expect(
      settingsFromEnv({ SOCIAL_AUTH_SANITIZE_REDIRECTS: '', SOCIAL_AUTH_UUID_LENGTH: ' ' }),
    ).toEqual({})
  })

  it('fails with ERR_INVALID_SETTING for a variable that does not parse', () => {
    expect(() => settingsFromEnv({ SOCIAL_AUTH_SANITIZE_REDIRECTS: 'maybe' })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_SETTING',
        setting: 'SOCIAL_AUTH_SANITIZE_REDIRECTS',
      }),
    )
    expect(() => settingsFromEnv({ SOCIAL_AUTH_USER_FIELD_MAPPING: '{oops' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SETTING' }),
    )
  })

  it('gives createSocialAuth settings that drive a login', async () => {
    const t = await setup(
      settingsFromEnv({
        LOGIN_REDIRECT_URL: '/from-env',
        SOCIAL_AUTH_PIPELINE:
          'social_details,social_uid,social_user,get_username,create_user,associate_user',
      }),
    )
    expect(location(await login(t))).toBe('/from-env')
    expect(t.logins).toHaveLength(1)
  })
})
