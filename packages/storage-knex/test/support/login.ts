/** Real logins through the engine: the dummy backend, a test strategy, and a storage under test. */
import {
  createSocialAuth,
  type ProviderResponse,
  type Settings,
  type SocialAuth,
  type Storage,
  type UserId,
} from '@social-auth/core'
import { createTestStrategy, dummyBackend } from '@social-auth/core/testing'

/** An engine whose dummy provider answers `response(code)`. */
export function engineFor(
  storage: Storage,
  response: (code: string) => ProviderResponse,
  settings: Settings = {},
  now?: () => number,
): Promise<SocialAuth> {
  return createSocialAuth({
    ...(now ? { now } : {}),
    settings: {
      AUTHENTICATION_BACKENDS: [dummyBackend({ response })],
      LOGIN_REDIRECT_URL: '/done',
      LOGIN_URL: '/login',
      ...settings,
    },
    storage,
  })
}

/** What a login ended as. */
export interface LoginResult {
  readonly userId: UserId
  readonly isNew: boolean
}

/**
 * Plays a browser through begin → provider → complete, as core's test helper does. Errors are
 * thrown (not turned into redirects) so a test sees them.
 */
export async function login(social: SocialAuth, code: string): Promise<LoginResult> {
  const strategy = createTestStrategy()
  const started = await social.begin(strategy.request({ method: 'POST', body: {} }), 'dummy')
  if (started.type !== 'redirect') throw new Error(`begin answered ${started.type}`)
  const state = new URL(started.url).searchParams.get('state') ?? ''
  strategy.request({ method: 'GET', query: { code, state } })
  let result: LoginResult | undefined
  await social.complete(strategy, 'dummy', {
    onError: 'throw',
    login: (info) => {
      result = { userId: info.user.id, isNew: info.isNew }
    },
  })
  if (!result) throw new Error('the login did not log anyone in')
  return result
}
