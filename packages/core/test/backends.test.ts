import { describe, expect, it } from '@jest/globals'
import {
  backendAliases,
  createSocialAuth,
  memoryStorage,
  registerBackendAliases,
  type Settings,
} from '../src/index.js'
import { codeOf, dummy, login, location, setup } from './helpers.js'

const fixtures = new URL('./fixtures/', import.meta.url).href

const create = (settings: Settings) =>
  createSocialAuth({ settings, storage: memoryStorage(), baseUrl: fixtures })

describe('backend registry and loading (psa.md §1.5)', () => {
  it('loads backends in AUTHENTICATION_BACKENDS order (PSA behaviour 3)', async () => {
    const social = await create({
      AUTHENTICATION_BACKENDS: [
        dummy({ name: 'github' }),
        dummy({ name: 'facebook' }),
        dummy({ name: 'flickr' }),
      ],
    })
    expect([...social.backends.keys()]).toEqual(['github', 'facebook', 'flickr'])
  })

  it('loads no backend from an empty list (PSA behaviour 3)', async () => {
    const social = await create({ AUTHENTICATION_BACKENDS: [] })
    expect(social.backends.size).toBe(0)
  })

  it('raises ERR_MISSING_BACKEND with PSA’s message for an unconfigured name (PSA behaviour 4)', async () => {
    const social = await create({ AUTHENTICATION_BACKENDS: [dummy({ name: 'github' })] })
    expect(() => social.getBackend('foobar')).toThrow(
      expect.objectContaining({
        code: 'ERR_MISSING_BACKEND',
        status: 404,
        message: 'Missing backend "foobar" entry',
      }),
    )
  })

  it('answers a callback for an unconfigured backend with the error redirect, not a crash', async () => {
    const t = await setup()
    const response = await t.social.complete(
      t.strategy.request({ query: { code: 'x' } }),
      'foobar',
      { login: () => {} },
    )
    expect(location(response)).toBe('/login?error=ERR_MISSING_BACKEND')
  })

  it('loads a backend object and a factory from `module#export` specifiers relative to baseUrl', async () => {
    const social = await create({
      AUTHENTICATION_BACKENDS: ['./backends.js#fixtureBackend', './backends.js#fixtureFactory'],
    })
    expect([...social.backends.keys()]).toEqual(['fixture', 'factory'])
  })

  it('loads a backend from a PSA dotted path through the alias table', async () => {
    registerBackendAliases({
      'social_core.backends.fixture.FixtureOAuth2': `${fixtures}backends.js#fixtureBackend`,
    })
    expect(backendAliases().get('social_core.backends.fixture.FixtureOAuth2')).toContain(
      'backends.js#fixtureBackend',
    )
    const social = await create({
      AUTHENTICATION_BACKENDS: ['social_core.backends.fixture.FixtureOAuth2'],
    })
    expect([...social.backends.keys()]).toEqual(['fixture'])
  })

  it('ships aliases for the Osso and OpenID Connect dotted paths of the guide', () => {
    expect(backendAliases().get('social_core.backends.osso.OssoOAuth2')).toBe(
      '@social-auth/backend-osso#osso',
    )
    expect(backendAliases().get('social_core.backends.open_id_connect.OpenIdConnectAuth')).toBe(
      '@social-auth/oauth#oidc',
    )
  })

  it.each([
    ['an unknown PSA dotted path', 'social_core.backends.nope.NopeOAuth2'],
    ['a module that does not exist', './missing.js#backend'],
    ['an export that does not exist', './backends.js#missing'],
    ['an export that is not a backend', './backends.js#notABackend'],
  ])('fails createSocialAuth with ERR_UNKNOWN_BACKEND naming %s', async (_label, entry) => {
    const err = await create({ AUTHENTICATION_BACKENDS: [entry] }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_UNKNOWN_BACKEND', entry })
    expect((err as Error).message).toContain(entry)
  })

  it('fails createSocialAuth with ERR_DUPLICATE_BACKEND when two backends share a name (PSA lets the last win)', async () => {
    const code = await codeOf(create({ AUTHENTICATION_BACKENDS: [dummy(), dummy()] }))
    expect(code).toBe('ERR_DUPLICATE_BACKEND')
  })

  it('runs two instances of one backend type under different names, each with its own settings', async () => {
    const t = await setup(
      {
        SOCIAL_AUTH_CORP_WHITELISTED_DOMAINS: ['corp.example'],
        SOCIAL_AUTH_PARTNER_LOGIN_REDIRECT_URL: '/partner-home',
      },
      { backends: [dummy({ name: 'corp' }), dummy({ name: 'partner' })] },
    )
    const account = { id: 7, login: 'sam', email: 'sam@partner.example' }
    expect(location(await login(t, { backend: 'partner', account }))).toBe('/partner-home')
    const refused = await login(t, { backend: 'corp', account, strategy: undefined })
    expect(location(refused)).toBe('/login?error=ERR_AUTH_FORBIDDEN&backend=corp')
    expect(await t.storage.user.getSocialAuth('partner', '7')).not.toBeNull()
    expect(await t.storage.user.getSocialAuth('corp', '7')).toBeNull()
  })

  it('reports which backends a user has linked and which not (user_backends_data)', async () => {
    const t = await setup({}, { backends: [dummy(), dummy({ name: 'other' })] })
    await login(t)
    const user = t.logins[0]!.user
    const data = await t.social.userBackendsData(user)
    expect(data.associated.map((s) => [s.provider, s.uid])).toEqual([['dummy', '1']])
    expect(data.not_associated).toEqual(['other'])
    expect(data.backends).toEqual(['dummy', 'other'])
    expect((await t.social.userBackendsData(null)).associated).toEqual([])
  })
})
