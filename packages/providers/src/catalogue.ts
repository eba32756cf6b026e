import type { OAuth2Backend } from '@social-auth/oauth'
import { amazon } from './amazon.js'
import { appleId } from './apple.js'
import { atlassian } from './atlassian.js'
import { auth0, auth0OpenIdConnect } from './auth0.js'
import { azureadTenantOAuth2, azureadV2TenantOAuth2 } from './azuread-tenant.js'
import { bitbucketOAuth2 } from './bitbucket.js'
import { boxyhq } from './boxyhq.js'
import { digitalocean } from './digitalocean.js'
import { discord } from './discord.js'
import { dropboxOAuth2 } from './dropbox.js'
import { facebook } from './facebook.js'
import { github } from './github.js'
import { gitlab } from './gitlab.js'
import { googleOAuth2, googleOpenIdConnect } from './google.js'
import { keycloak } from './keycloak.js'
import { linkedinOpenIdConnect } from './linkedin.js'
import { oktaOAuth2, oktaOpenIdConnect } from './okta.js'
import { oneloginOidc } from './onelogin.js'
import { reddit } from './reddit.js'
import { salesforceOAuth2, salesforceOAuth2Sandbox } from './salesforce.js'
import { slack } from './slack.js'
import { spotify } from './spotify.js'
import { twitch } from './twitch.js'
import { twitterOAuth2 } from './twitter-oauth2.js'
import { workos } from './workos.js'
import { yahooOAuth2 } from './yahoo.js'
import { zoomOAuth2 } from './zoom.js'

/** What the docs table and the alias table know about one backend of this package. */
export interface ProviderEntry {
  /** The provider, as people call it. */
  readonly title: string
  /** The export of `@social-auth/providers` that builds the backend. */
  readonly exportName: string
  readonly factory: () => OAuth2Backend
  /** social-core class paths that resolve to it in `AUTHENTICATION_BACKENDS`. */
  readonly dottedPaths: readonly string[]
  /** False when social-core has no such class and the dotted path is ours, by analogy. */
  readonly inSocialCore: boolean
  /** Settings besides `KEY`/`SECRET` (and the OAuth2/OIDC ones every backend has). */
  readonly settings: readonly string[]
  /** What the uid is. */
  readonly uid: string
  /** When its emails may link accounts (`associate_by_email`). */
  readonly emailRule: string
}

const NOT_AUTHORITY =
  'Not an authority unless `ASSOCIATE_BY_EMAIL_TRUST_PROVIDER` is set; then `email_verified: true`.'
const NO_EMAIL = 'Not an authority (no verified email).'

/**
 * Every backend of this package, in the order of the docs table. `providerAliases` and
 * `docs/providers.md` are generated from it, so adding a provider means adding a row here.
 */
export const providerCatalogue: readonly ProviderEntry[] = [
  {
    title: 'GitHub',
    exportName: 'github',
    factory: github,
    dottedPaths: ['social_core.backends.github.GithubOAuth2'],
    inSocialCore: true,
    settings: ['API_URL', 'AUTHORIZATION_URL', 'ACCESS_TOKEN_URL'],
    uid: 'numeric account `id`',
    emailRule: 'Authority: the primary email from `/user/emails` when GitHub marks it `verified`.',
  },
  {
    title: 'Google',
    exportName: 'googleOAuth2',
    factory: googleOAuth2,
    dottedPaths: ['social_core.backends.google.GoogleOAuth2'],
    inSocialCore: true,
    settings: ['HOSTED_DOMAINS'],
    uid: '`sub` (PSA: the email)',
    emailRule:
      'Authority: `email_verified: true` for `@gmail.com`/`@googlemail.com`, or any address of a Workspace account (`hd` claim present).',
  },
  {
    title: 'Google (OpenID Connect class)',
    exportName: 'googleOpenIdConnect',
    factory: googleOpenIdConnect,
    dottedPaths: ['social_core.backends.google_openidconnect.GoogleOpenIdConnect'],
    inSocialCore: true,
    settings: ['HOSTED_DOMAINS'],
    uid: '`sub`',
    emailRule: 'As Google.',
  },
  {
    title: 'Microsoft Entra ID',
    exportName: 'azureadTenantOAuth2',
    factory: azureadTenantOAuth2,
    dottedPaths: ['social_core.backends.azuread_tenant.AzureADTenantOAuth2'],
    inSocialCore: true,
    settings: ['TENANT_ID', 'ALLOWED_TENANTS', 'AUTHORITY_HOST'],
    uid: '`<tid>:<oid>` (PSA: `sub`)',
    emailRule:
      'Not an authority (`email` is mutable); with `ASSOCIATE_BY_EMAIL_TRUST_PROVIDER`, only an email whose domain the tenant verified (`xms_edov: true`) or listed in `verified_primary_email`.',
  },
  {
    title: 'Microsoft Entra ID (v2 class)',
    exportName: 'azureadV2TenantOAuth2',
    factory: azureadV2TenantOAuth2,
    dottedPaths: ['social_core.backends.azuread_tenant.AzureADV2TenantOAuth2'],
    inSocialCore: true,
    settings: ['TENANT_ID', 'ALLOWED_TENANTS', 'AUTHORITY_HOST'],
    uid: '`<tid>:<oid>` (PSA: `preferred_username`)',
    emailRule: 'As Microsoft Entra ID.',
  },
  {
    title: 'GitLab',
    exportName: 'gitlab',
    factory: gitlab,
    dottedPaths: ['social_core.backends.gitlab.GitLabOAuth2'],
    inSocialCore: true,
    settings: ['API_URL'],
    uid: 'numeric user `id`',
    emailRule:
      'Not an authority (no verification flag; self-managed instances may skip confirmation).',
  },
  {
    title: 'Bitbucket',
    exportName: 'bitbucketOAuth2',
    factory: bitbucketOAuth2,
    dottedPaths: ['social_core.backends.bitbucket.BitbucketOAuth2'],
    inSocialCore: true,
    settings: ['VERIFIED_EMAILS_ONLY'],
    uid: 'account `uuid`',
    emailRule: 'Authority: the primary email from `/user/emails` when `is_confirmed`.',
  },
  {
    title: 'Okta',
    exportName: 'oktaOpenIdConnect',
    factory: oktaOpenIdConnect,
    dottedPaths: ['social_core.backends.okta_openidconnect.OktaOpenIdConnect'],
    inSocialCore: true,
    settings: ['API_URL', 'OIDC_ENDPOINT'],
    uid: '`sub`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'Okta (OAuth2 class)',
    exportName: 'oktaOAuth2',
    factory: oktaOAuth2,
    dottedPaths: ['social_core.backends.okta.OktaOAuth2'],
    inSocialCore: true,
    settings: ['API_URL', 'OIDC_ENDPOINT'],
    uid: '`sub`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'Auth0',
    exportName: 'auth0',
    factory: auth0,
    dottedPaths: ['social_core.backends.auth0.Auth0OAuth2'],
    inSocialCore: true,
    settings: ['DOMAIN'],
    uid: '`sub`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'Auth0 (OpenID Connect class)',
    exportName: 'auth0OpenIdConnect',
    factory: auth0OpenIdConnect,
    dottedPaths: ['social_core.backends.auth0_openidconnect.Auth0OpenIdConnectAuth'],
    inSocialCore: true,
    settings: ['DOMAIN'],
    uid: '`sub`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'Keycloak',
    exportName: 'keycloak',
    factory: keycloak,
    dottedPaths: ['social_core.backends.keycloak.KeycloakOAuth2'],
    inSocialCore: true,
    settings: ['OIDC_ENDPOINT', 'AUTHORIZATION_URL'],
    uid: '`sub` (PSA: `username`)',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'OneLogin',
    exportName: 'oneloginOidc',
    factory: oneloginOidc,
    dottedPaths: ['social_core.backends.onelogin.OneLoginOpenIdConnect'],
    inSocialCore: false,
    settings: ['SUBDOMAIN', 'OIDC_ENDPOINT'],
    uid: '`sub`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'Apple',
    exportName: 'appleId',
    factory: appleId,
    dottedPaths: ['social_core.backends.apple.AppleIdAuth'],
    inSocialCore: true,
    settings: ['CLIENT', 'TEAM', 'EMAIL_AS_USERNAME'],
    uid: '`sub`',
    emailRule:
      'Authority: the signed id_token’s email with `email_verified: true` (a JSON boolean; Apple’s string form `"true"` is not trusted).',
  },
  {
    title: 'Discord',
    exportName: 'discord',
    factory: discord,
    dottedPaths: ['social_core.backends.discord.DiscordOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: 'snowflake `id`',
    emailRule: 'Authority: `verified: true` on the user.',
  },
  {
    title: 'Slack',
    exportName: 'slack',
    factory: slack,
    dottedPaths: ['social_core.backends.slack.SlackOAuth2'],
    inSocialCore: true,
    settings: ['TEAM'],
    uid: '`<team_id>:<user_id>`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'LinkedIn',
    exportName: 'linkedinOpenIdConnect',
    factory: linkedinOpenIdConnect,
    dottedPaths: ['social_core.backends.linkedin.LinkedinOpenIdConnect'],
    inSocialCore: true,
    settings: [],
    uid: '`sub`',
    emailRule: 'Authority: `email_verified: true`.',
  },
  {
    title: 'Facebook',
    exportName: 'facebook',
    factory: facebook,
    dottedPaths: ['social_core.backends.facebook.FacebookOAuth2'],
    inSocialCore: true,
    settings: ['API_VERSION', 'APPSECRET_PROOF', 'PROFILE_EXTRA_PARAMS'],
    uid: 'app-scoped `id`',
    emailRule: NO_EMAIL,
  },
  {
    title: 'X (Twitter)',
    exportName: 'twitterOAuth2',
    factory: twitterOAuth2,
    dottedPaths: ['social_core.backends.twitter_oauth2.TwitterOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: 'numeric `id` (as X’s string)',
    emailRule: NO_EMAIL,
  },
  {
    title: 'Spotify',
    exportName: 'spotify',
    factory: spotify,
    dottedPaths: ['social_core.backends.spotify.SpotifyOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: 'user `id`',
    emailRule: NO_EMAIL,
  },
  {
    title: 'Twitch',
    exportName: 'twitch',
    factory: twitch,
    dottedPaths: [
      'social_core.backends.twitch.TwitchOpenIdConnect',
      'social_core.backends.twitch.TwitchOAuth2',
    ],
    inSocialCore: true,
    settings: [],
    uid: '`sub` (the user id)',
    emailRule: 'Authority: `email_verified: true`.',
  },
  {
    title: 'Dropbox',
    exportName: 'dropboxOAuth2',
    factory: dropboxOAuth2,
    dottedPaths: ['social_core.backends.dropbox.DropboxOAuth2V2'],
    inSocialCore: true,
    settings: [],
    uid: '`account_id` (PSA: legacy `uid`)',
    emailRule: 'Authority: `email_verified: true`.',
  },
  {
    title: 'Salesforce',
    exportName: 'salesforceOAuth2',
    factory: salesforceOAuth2,
    dottedPaths: ['social_core.backends.salesforce.SalesforceOAuth2'],
    inSocialCore: true,
    settings: ['DOMAIN'],
    uid: 'identity URL `id` (org and user)',
    emailRule: 'Not an authority (org admins set emails).',
  },
  {
    title: 'Salesforce sandbox',
    exportName: 'salesforceOAuth2Sandbox',
    factory: salesforceOAuth2Sandbox,
    dottedPaths: ['social_core.backends.salesforce.SalesforceOAuth2Sandbox'],
    inSocialCore: true,
    settings: ['DOMAIN'],
    uid: 'identity URL `id`',
    emailRule: 'Not an authority (org admins set emails).',
  },
  {
    title: 'Zoom',
    exportName: 'zoomOAuth2',
    factory: zoomOAuth2,
    dottedPaths: ['social_core.backends.zoom.ZoomOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: 'user `id`',
    emailRule: NO_EMAIL,
  },
  {
    title: 'Atlassian',
    exportName: 'atlassian',
    factory: atlassian,
    dottedPaths: ['social_core.backends.atlassian.AtlassianOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: '`account_id`',
    emailRule: 'Authority: `email_verified: true` from `/me`.',
  },
  {
    title: 'Amazon',
    exportName: 'amazon',
    factory: amazon,
    dottedPaths: ['social_core.backends.amazon.AmazonOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: '`user_id`',
    emailRule: NO_EMAIL,
  },
  {
    title: 'Yahoo',
    exportName: 'yahooOAuth2',
    factory: yahooOAuth2,
    dottedPaths: ['social_core.backends.yahoo.YahooOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: '`sub`',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'Reddit',
    exportName: 'reddit',
    factory: reddit,
    dottedPaths: ['social_core.backends.reddit.RedditOAuth2'],
    inSocialCore: true,
    settings: [],
    uid: 'base-36 `id`',
    emailRule: NO_EMAIL,
  },
  {
    title: 'DigitalOcean',
    exportName: 'digitalocean',
    factory: digitalocean,
    dottedPaths: ['social_core.backends.digitalocean.DigitalOceanOAuth'],
    inSocialCore: true,
    settings: [],
    uid: 'account `uuid`',
    emailRule: 'Authority: `email_verified: true`.',
  },
  {
    title: 'WorkOS',
    exportName: 'workos',
    factory: workos,
    dottedPaths: ['social_core.backends.workos.WorkOSOAuth2'],
    inSocialCore: false,
    settings: ['ORGANIZATION', 'CONNECTION'],
    uid: 'WorkOS profile `id` (organization checked against the request)',
    emailRule: NOT_AUTHORITY,
  },
  {
    title: 'BoxyHQ SAML Jackson',
    exportName: 'boxyhq',
    factory: boxyhq,
    dottedPaths: ['social_core.backends.boxyhq.BoxyHQOAuth2'],
    inSocialCore: false,
    settings: ['BASE_URL', 'TENANT', 'PRODUCT'],
    uid: '`<tenant>:<id>` (tenant checked against the request)',
    emailRule: NOT_AUTHORITY,
  },
]

/**
 * PSA dotted paths of this package's backends → `module#export` specifiers, for
 * `registerBackendAliases` (core also ships this table, so the dotted paths resolve before
 * anything imported this package).
 *
 * @example
 * ```ts
 * providerAliases['social_core.backends.github.GithubOAuth2'] // '@social-auth/providers#github'
 * ```
 */
export const providerAliases: Readonly<Record<string, string>> = Object.fromEntries(
  providerCatalogue.flatMap((entry) =>
    entry.dottedPaths.map((path) => [path, `@social-auth/providers#${entry.exportName}`]),
  ),
)
