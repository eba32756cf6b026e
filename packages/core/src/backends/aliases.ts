/**
 * PSA dotted paths of the backends this project ships, mapped to `module#export` specifiers.
 * Core imports none of them (it depends on no other package); they load on demand when an
 * app lists the dotted path in `AUTHENTICATION_BACKENDS`.
 */
const aliases = new Map<string, string>([
  ['social_core.backends.osso.OssoOAuth2', '@social-auth/backend-osso#osso'],
  ['social_core.backends.open_id_connect.OpenIdConnectAuth', '@social-auth/oauth#oidc'],
  // @social-auth/providers (its `providerAliases` export; a test keeps the two equal).
  ['social_core.backends.github.GithubOAuth2', '@social-auth/providers#github'],
  ['social_core.backends.google.GoogleOAuth2', '@social-auth/providers#googleOAuth2'],
  [
    'social_core.backends.google_openidconnect.GoogleOpenIdConnect',
    '@social-auth/providers#googleOpenIdConnect',
  ],
  [
    'social_core.backends.azuread_tenant.AzureADTenantOAuth2',
    '@social-auth/providers#azureadTenantOAuth2',
  ],
  [
    'social_core.backends.azuread_tenant.AzureADV2TenantOAuth2',
    '@social-auth/providers#azureadV2TenantOAuth2',
  ],
  ['social_core.backends.gitlab.GitLabOAuth2', '@social-auth/providers#gitlab'],
  ['social_core.backends.bitbucket.BitbucketOAuth2', '@social-auth/providers#bitbucketOAuth2'],
  [
    'social_core.backends.okta_openidconnect.OktaOpenIdConnect',
    '@social-auth/providers#oktaOpenIdConnect',
  ],
  ['social_core.backends.okta.OktaOAuth2', '@social-auth/providers#oktaOAuth2'],
  ['social_core.backends.auth0.Auth0OAuth2', '@social-auth/providers#auth0'],
  [
    'social_core.backends.auth0_openidconnect.Auth0OpenIdConnectAuth',
    '@social-auth/providers#auth0OpenIdConnect',
  ],
  ['social_core.backends.keycloak.KeycloakOAuth2', '@social-auth/providers#keycloak'],
  ['social_core.backends.onelogin.OneLoginOpenIdConnect', '@social-auth/providers#oneloginOidc'],
  ['social_core.backends.apple.AppleIdAuth', '@social-auth/providers#appleId'],
  ['social_core.backends.discord.DiscordOAuth2', '@social-auth/providers#discord'],
  ['social_core.backends.slack.SlackOAuth2', '@social-auth/providers#slack'],
  [
    'social_core.backends.linkedin.LinkedinOpenIdConnect',
    '@social-auth/providers#linkedinOpenIdConnect',
  ],
  ['social_core.backends.facebook.FacebookOAuth2', '@social-auth/providers#facebook'],
  ['social_core.backends.twitter_oauth2.TwitterOAuth2', '@social-auth/providers#twitterOAuth2'],
  ['social_core.backends.spotify.SpotifyOAuth2', '@social-auth/providers#spotify'],
  ['social_core.backends.twitch.TwitchOpenIdConnect', '@social-auth/providers#twitch'],
  ['social_core.backends.twitch.TwitchOAuth2', '@social-auth/providers#twitch'],
  ['social_core.backends.dropbox.DropboxOAuth2V2', '@social-auth/providers#dropboxOAuth2'],
  ['social_core.backends.salesforce.SalesforceOAuth2', '@social-auth/providers#salesforceOAuth2'],
  [
    'social_core.backends.salesforce.SalesforceOAuth2Sandbox',
    '@social-auth/providers#salesforceOAuth2Sandbox',
  ],
  ['social_core.backends.zoom.ZoomOAuth2', '@social-auth/providers#zoomOAuth2'],
  ['social_core.backends.atlassian.AtlassianOAuth2', '@social-auth/providers#atlassian'],
  ['social_core.backends.amazon.AmazonOAuth2', '@social-auth/providers#amazon'],
  ['social_core.backends.yahoo.YahooOAuth2', '@social-auth/providers#yahooOAuth2'],
  ['social_core.backends.reddit.RedditOAuth2', '@social-auth/providers#reddit'],
  ['social_core.backends.digitalocean.DigitalOceanOAuth', '@social-auth/providers#digitalocean'],
  ['social_core.backends.workos.WorkOSOAuth2', '@social-auth/providers#workos'],
  ['social_core.backends.boxyhq.BoxyHQOAuth2', '@social-auth/providers#boxyhq'],
])

/**
 * Adds dotted-path aliases (a provider package calls this for its backends).
 *
 * @example
 * ```ts
 * registerBackendAliases({ 'social_core.backends.github.GithubOAuth2': '@social-auth/providers#github' })
 * ```
 */
export function registerBackendAliases(table: Record<string, string>): void {
  for (const [path, spec] of Object.entries(table)) aliases.set(path, spec)
}

/** The `module#export` for a PSA dotted path, or undefined. */
export function backendAlias(dottedPath: string): string | undefined {
  return aliases.get(dottedPath)
}

/** Every registered alias (for docs). */
export function backendAliases(): ReadonlyMap<string, string> {
  return aliases
}
