import { AuthForbidden, type ProviderResponse } from '@social-auth/core'
import { oidc, oidcUserDetails, type OAuth2Backend } from '@social-auth/oauth'
import { forwarded, type ProviderOptions } from './support/options.js'
import { idTokenClaim, str } from './support/values.js'

const TEAM_CLAIM = 'https://slack.com/team_id'

const teamOf = (response: ProviderResponse): string | undefined =>
  str(response[TEAM_CLAIM]) ?? str(idTokenClaim(response, TEAM_CLAIM))

/**
 * Sign in with Slack (PSA `SlackOAuth2`, name `slack`) on Slack's OpenID Connect flow, which
 * replaced the `identity.*` scopes PSA's class asks for. A Slack user belongs to a workspace,
 * so the uid is `<team_id>:<user_id>`. `TEAM` sends users to one workspace and refuses
 * sign-ins from others (checked on the signed team claim). Workspace admins control members'
 * emails, so Slack is not a verified-email authority unless configured to be.
 *
 * @example
 * ```ts
 * AUTHENTICATION_BACKENDS: [slack()], // or 'social_core.backends.slack.SlackOAuth2'
 * SOCIAL_AUTH_SLACK_TEAM: 'T0123456',
 * ```
 */
export function slack(options: ProviderOptions = {}): OAuth2Backend {
  return oidc({
    name: options.name ?? 'slack',
    issuer: 'https://slack.com',
    ...forwarded(options),
    extraData: ['id_token', ['sub', 'id'], [TEAM_CLAIM, 'team_id', true]],
    authorizationParams(_data, backend): Record<string, string> {
      const team = backend.setting<string | undefined>('TEAM')
      return team ? { team } : {}
    },
    validateResponse({ response, backend }) {
      const team = backend.setting<string | undefined>('TEAM')
      if (team && teamOf(response) !== team) throw new AuthForbidden({ backend: backend.name })
    },
    getUserId(_details, response) {
      const team = teamOf(response)
      const user = str(idTokenClaim(response, 'sub'))
      return team && user ? `${team}:${user}` : undefined
    },
    getUserDetails: oidcUserDetails,
  })
}
