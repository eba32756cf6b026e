import { getUserNames } from '@social-auth/core'
import { oidc, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idTokenClaim, str } from './support/values.js'

const claim = (response: Record<string, unknown>, name: string): string | undefined =>
  str(response[name]) ?? str(idTokenClaim(response, name))

/**
 * Yahoo (PSA `YahooOAuth2`, name `yahoo-oauth2`), OpenID Connect discovered from
 * `https://api.login.yahoo.com`, HTTP Basic client authentication as PSA. The uid is `sub`
 * (PSA's `ID_KEY`). Yahoo accounts may carry addresses of other domains and Yahoo does not
 * document what its `email_verified` covers: not an authority unless configured to be.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [yahooOAuth2()], // or 'social_core.backends.yahoo.YahooOAuth2'
 * ```
 */
export function yahooOAuth2(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'yahoo-oauth2',
    issuer: 'https://api.login.yahoo.com',
    ...forwarded(options),
    clientAuth: 'client_secret_basic',
    extraData: ['id_token', ['sub', 'id'], ['expires_in', 'expires', true]],
    getUserDetails: (response) => ({
      username: claim(response, 'nickname') ?? claim(response, 'preferred_username'),
      email: claim(response, 'email'),
      ...getUserNames(undefined, claim(response, 'given_name'), claim(response, 'family_name')),
    }),
  })
}
