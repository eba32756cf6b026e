import { createSocialAuth, memoryStorage, type LoginInfo, type Settings } from '@social-auth/core'
import { createTestStrategy } from '@social-auth/core/testing'
import { oidc } from '../../src/index.js'
import {
  authorizeAtProvider,
  CLIENT_ID,
  CLIENT_SECRET,
  type TestProvider,
} from './oidc-provider.js'

/** The app the tests sign in to: its redirect URIs are `${APP}/complete/<backend>/`. */
export const APP = 'http://myapp.com'

/** An engine with the `oidc` backend pointed at `provider` (its demo client), plus `extra`. */
export async function oidcEngine(
  provider: TestProvider,
  extra: Settings = {},
  backends = [oidc()],
  storage = memoryStorage(),
) {
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: backends,
      SOCIAL_AUTH_OIDC_OIDC_ENDPOINT: provider.issuer,
      SOCIAL_AUTH_OIDC_KEY: CLIENT_ID,
      SOCIAL_AUTH_OIDC_SECRET: CLIENT_SECRET,
      LOGIN_REDIRECT_URL: '/profile',
      LOGIN_URL: '/',
      ...extra,
    },
    storage,
  })
  return { social, storage }
}

/** begin → the provider's login and consent → complete, as a browser would. */
export async function loginAt(
  social: Awaited<ReturnType<typeof oidcEngine>>['social'],
  name: string,
  account: string,
) {
  const strategy = createTestStrategy()
  const logins: LoginInfo[] = []
  const started = await social.begin(strategy.request({ method: 'POST', body: {} }), name)
  if (started.type !== 'redirect') throw new Error('begin did not redirect')
  const callback = await authorizeAtProvider(started.url, `${APP}/complete/${name}/`, account)
  const done = await social.complete(
    strategy.request({ method: 'GET', query: Object.fromEntries(callback.searchParams) }),
    name,
    { login: (info) => void logins.push(info) },
  )
  return { started: new URL(started.url), callback, done, logins, strategy }
}
