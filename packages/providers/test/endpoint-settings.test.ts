import { describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage, settingsFromEnv } from '@social-auth/core'
import { github, googleOAuth2 } from '../src/index.js'

// A setting that says where a backend sends its client secret, its tokens or its users is read
// per backend only (as KEY and SECRET are): an app-wide API_URL or ACCESS_TOKEN_URL, common names
// in an environment, must not repoint every provider at once.
describe('endpoint settings', () => {
  it('are read per backend, never from the global or bare names', async () => {
    const elsewhere = 'https://collector.example'
    const social = await createSocialAuth({
      settings: {
        ...settingsFromEnv({
          ACCESS_TOKEN_URL: `${elsewhere}/token`,
          AUTHORIZATION_URL: `${elsewhere}/authorize`,
          REVOKE_TOKEN_URL: `${elsewhere}/revoke`,
          API_URL: `${elsewhere}/api/`,
          OIDC_ENDPOINT: elsewhere,
          SOCIAL_AUTH_API_URL: `${elsewhere}/api/`,
          SOCIAL_AUTH_ACCESS_TOKEN_URL: `${elsewhere}/token`,
          SOCIAL_AUTH_GITHUB_KEY: 'gh-id',
          SOCIAL_AUTH_GITHUB_SECRET: 'gh-secret',
          SOCIAL_AUTH_GOOGLE_OAUTH2_KEY: 'google-id',
          SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET: 'google-secret',
        }),
        SOCIAL_AUTH_OIDC_ENDPOINT: elsewhere,
        AUTHENTICATION_BACKENDS: [github(), googleOAuth2()],
      },
      storage: memoryStorage(),
    })
    for (const name of ['github', 'google-oauth2']) {
      const backend = social.getBackend(name)
      for (const setting of [
        'ACCESS_TOKEN_URL',
        'AUTHORIZATION_URL',
        'REVOKE_TOKEN_URL',
        'API_URL',
        'OIDC_ENDPOINT',
      ])
        expect([name, setting, backend.setting(setting)]).toEqual([name, setting, undefined])
    }
    // The per-backend name still works.
    const own = await createSocialAuth({
      settings: {
        SOCIAL_AUTH_GITHUB_KEY: 'gh-id',
        SOCIAL_AUTH_GITHUB_SECRET: 'gh-secret',
        SOCIAL_AUTH_GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
        AUTHENTICATION_BACKENDS: [github()],
      },
      storage: memoryStorage(),
    })
    expect(own.getBackend('github').setting('API_URL')).toBe('https://ghe.example.com/api/v3/')
  })
})
