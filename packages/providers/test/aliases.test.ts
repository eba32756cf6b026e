import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
// Only core and the catalogue (which registers nothing): core must know the dotted paths
// before any app code imported @social-auth/providers.
import { backendAliases, createSocialAuth, memoryStorage, type Settings } from '@social-auth/core'
import { providerAliases, providerCatalogue } from '../src/catalogue.js'

const APPLE_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()

/** The least each backend needs to pass start-up checks (no network is used). */
function settingsFor(name: string): Settings {
  const prefix = `SOCIAL_AUTH_${name.toUpperCase().replace(/-/g, '_')}_`
  const extra: Record<string, Settings> = {
    'okta-openidconnect': { [`${prefix}API_URL`]: 'https://example.okta.com/oauth2/default' },
    'okta-oauth2': { [`${prefix}API_URL`]: 'https://example.okta.com/oauth2' },
    auth0: { [`${prefix}DOMAIN`]: 'example.eu.auth0.com' },
    auth0_openidconnect: { [`${prefix}DOMAIN`]: 'example.eu.auth0.com' },
    keycloak: { [`${prefix}OIDC_ENDPOINT`]: 'https://sso.example.com/realms/example' },
    'onelogin-oidc': { [`${prefix}SUBDOMAIN`]: 'example' },
    'apple-id': {
      [`${prefix}CLIENT`]: 'com.example.web',
      [`${prefix}TEAM`]: 'ABCDE12345',
      [`${prefix}SECRET`]: APPLE_KEY,
    },
    boxyhq: { [`${prefix}BASE_URL`]: 'https://jackson.example.com', [`${prefix}PRODUCT`]: 'app' },
  }
  return { [`${prefix}KEY`]: 'client-id', [`${prefix}SECRET`]: 'client-secret', ...extra[name] }
}

const paths = providerCatalogue.flatMap((entry) =>
  entry.dottedPaths.map((path) => [path, entry.factory().name] as const),
)

describe('PSA dotted paths of the providers', () => {
  it('are in core’s built-in alias table, exactly as the package exports them', () => {
    const table = backendAliases()
    for (const [path, spec] of Object.entries(providerAliases))
      expect([path, table.get(path)]).toEqual([path, spec])
  })

  it('name at least 25 providers', () => {
    expect(
      new Set(providerCatalogue.map((entry) => entry.title.split(' (')[0])).size,
    ).toBeGreaterThanOrEqual(25)
  })

  it.each(paths)('resolve %s in AUTHENTICATION_BACKENDS to the %s backend', async (path, name) => {
    const social = await createSocialAuth({
      settings: { AUTHENTICATION_BACKENDS: [path], ...settingsFor(name) },
      storage: memoryStorage(),
    })
    expect([...social.backends.keys()]).toEqual([name])
  })

  it('resolve together, as one app lists them all', async () => {
    const names = [...new Set(paths.map(([, name]) => name))]
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [...new Set(paths.map(([path]) => path))].filter(
          // Twitch's two PSA classes share the name `twitch`; list it once.
          (path) => path !== 'social_core.backends.twitch.TwitchOAuth2',
        ),
        ...names.reduce<Settings>((all, name) => ({ ...all, ...settingsFor(name) }), {}),
      },
      storage: memoryStorage(),
    })
    expect(social.backends.size).toBe(names.length)
  })
})
