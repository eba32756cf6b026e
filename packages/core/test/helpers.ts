import {
  createSocialAuth,
  memoryStorage,
  type ActionResponse,
  type LoginInfo,
  type Settings,
  type SocialAuth,
  type Storage,
  type User,
} from '../src/index.js'
import { createTestStrategy, dummyBackend, type TestStrategy } from '../src/testing/index.js'

/** An engine on the memory storage with the dummy backend, PSA's test URLs and a login log. */
export async function setup(settings: Settings = {}, storage: Storage = memoryStorage()) {
  const logins: LoginInfo[] = []
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [dummyBackend()],
      LOGIN_REDIRECT_URL: '/success',
      LOGIN_URL: '/login',
      ...settings,
    },
    storage,
  })
  return { social, storage, logins, strategy: createTestStrategy() }
}

/** The `Location` of a redirect response; fails the test for any other response. */
export function location(response: ActionResponse): string {
  if (response.type !== 'redirect') throw new Error(`expected a redirect, got ${response.type}`)
  return response.url
}

/**
 * Plays a browser through begin → provider → complete with the dummy backend, as PSA's
 * `do_login` does. Returns the final response.
 */
export async function login(
  social: SocialAuth,
  strategy: TestStrategy,
  options: { backend?: string; code?: string; body?: Record<string, string>; user?: User | null; logins?: LoginInfo[] } = {},
): Promise<ActionResponse> {
  const backend = options.backend ?? 'dummy'
  const started = await social.begin(strategy.request({ method: 'POST', body: options.body ?? {} }), backend)
  const state = new URL(location(started)).searchParams.get('state') ?? ''
  strategy.request({ method: 'GET', query: { code: options.code ?? 'foobar', state } })
  return social.complete(strategy, backend, {
    user: options.user ?? null,
    login: (info) => {
      options.logins?.push(info)
    },
  })
}
