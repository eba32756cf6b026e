/**
 * The refusal of SOCIAL_AUTH_KEY / SOCIAL_AUTH_SECRET must not stop an app that reads its
 * settings with settingsFromEnv(process.env) in an environment holding other SOCIAL_AUTH_
 * variables: the CLI example's SOCIAL_AUTH_API_URL (the API its `api` command calls), or a blank
 * SOCIAL_AUTH_KEY= placeholder of an env file (a blank variable counts as unset).
 */
import { describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage, settingsFromEnv } from '@social-auth/core'
import { github } from '../src/index.js'

const start = (env: Record<string, string>) =>
  createSocialAuth({
    settings: {
      ...settingsFromEnv({
        SOCIAL_AUTH_GITHUB_KEY: 'id',
        SOCIAL_AUTH_GITHUB_SECRET: 'secret',
        LOGIN_REDIRECT_URL: '/done',
        LOGIN_URL: '/login',
        ...env,
      }),
      AUTHENTICATION_BACKENDS: [github()],
    },
    storage: memoryStorage(),
  }).then(
    () => 'started',
    (err: unknown) => `${(err as { code?: string }).code}: ${(err as Error).message}`,
  )

describe('settingsFromEnv in a shared environment', () => {
  it('starts with the CLI example’s SOCIAL_AUTH_API_URL in the environment', async () => {
    expect(await start({ SOCIAL_AUTH_API_URL: 'http://localhost:8001' })).toBe('started')
  })
  it('starts with a blank SOCIAL_AUTH_KEY= (a blank variable counts as unset elsewhere)', async () => {
    expect(await start({ SOCIAL_AUTH_KEY: '' })).toBe('started')
  })
})
