import type { BackendDefinition, ExtraDataEntry, ProviderResponse } from '../backends/definition.js'
import { AuthCanceled, AuthMissingParameter, AuthStateForbidden } from '../errors.js'
import { randomString, timingSafeEqualStrings } from '../random.js'
import { redirect } from '../responses.js'
import { getUserNames } from '../username.js'

/** Options of {@link dummyBackend}. */
export interface DummyBackendOptions {
  readonly name?: string
  /** The provider's answer for a callback; receives the callback's `code`. */
  readonly response?: (code: string) => ProviderResponse
  /** Whether the provider vouches for emails (a verified-email authority). */
  readonly emailVerified?: boolean
  readonly extraData?: readonly ExtraDataEntry[]
  readonly idKey?: string
  readonly requiresEmailValidation?: boolean
}

/**
 * A provider-free backend for engine tests (PSA's `DummyOAuth2`): `start` redirects to a fake
 * authorize URL with a state kept in the session; `complete` checks the state and returns
 * `response(code)` as the provider's answer.
 */
export function dummyBackend(options: DummyBackendOptions = {}): BackendDefinition {
  const name = options.name ?? 'dummy'
  const stateKey = `${name}_state`
  return {
    name,
    idKey: options.idKey ?? 'id',
    extraData: options.extraData ?? [],
    requiresEmailValidation: options.requiresEmailValidation ?? false,
    async start(call) {
      const state = randomString(32)
      call.strategy.session.set(stateKey, state)
      const url = new URL('https://dummy.example/oauth/authorize')
      url.search = new URLSearchParams({ state, redirect_uri: call.redirectUri }).toString()
      return redirect(url.href)
    },
    async complete(call) {
      if (call.data.error)
        throw new AuthCanceled(call.data.error_description ?? '', {
          backend: name,
          error: call.data.error,
        })
      const state = call.data.state
      if (!state) throw new AuthMissingParameter('state', { backend: name })
      const expected = call.strategy.session.pop<string>(stateKey)
      if (!expected || !timingSafeEqualStrings(expected, state))
        throw new AuthStateForbidden({ backend: name })
      const code = call.data.code ?? ''
      return {
        response: options.response?.(code) ?? { id: 1, login: 'foobar', email: 'foo@bar.com' },
      }
    },
    getUserDetails(response) {
      const names = getUserNames(typeof response.name === 'string' ? response.name : '')
      return {
        username: typeof response.login === 'string' ? response.login : undefined,
        email: typeof response.email === 'string' ? response.email : undefined,
        ...names,
      }
    },
    emailAuthority: true,
    isEmailVerified: () => options.emailVerified ?? false,
    extraDataFor: ({ response }) => ({
      access_token: typeof response.access_token === 'string' ? response.access_token : 'foobar',
      token_type: 'bearer',
    }),
  }
}
