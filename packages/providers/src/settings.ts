import { defineSettings } from '@social-auth/core'

// Provider settings, read per backend (SOCIAL_AUTH_<BACKEND>_<NAME> first, as PSA does), so
// that `createSocialAuth` checks their types and docs/providers.md can describe them.
defineSettings({
  API_URL: {
    type: 'string',
    scope: 'backend-only',
    doc: 'The provider’s API base URL (GitHub Enterprise `https://ghe.example.com/api/v3/`, a self-managed GitLab, an Okta authorization server).',
  },
  HOSTED_DOMAINS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Google Workspace domains allowed to sign in (the `hd` claim must be one of them).',
  },
  TENANT_ID: {
    type: 'string',
    scope: 'backend',
    doc: 'Entra ID tenant: a tenant id, `organizations`, `consumers` or `common` (default).',
  },
  AUTHORITY_HOST: {
    type: 'string',
    scope: 'backend-only',
    doc: 'Entra ID authority host (default `login.microsoftonline.com`; national clouds differ).',
  },
  ALLOWED_TENANTS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Entra ID tenant ids (`tid`) allowed to sign in; empty allows every tenant the app registration admits.',
  },
  VERIFIED_EMAILS_ONLY: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Bitbucket: refuse accounts whose primary email is not confirmed.',
  },
  DOMAIN: {
    type: 'string',
    scope: 'backend-only',
    doc: 'The provider host: an Auth0 tenant (`example.eu.auth0.com`), a Salesforce My Domain (`example.my.salesforce.com`).',
  },
  SUBDOMAIN: {
    type: 'string',
    scope: 'backend-only',
    doc: 'OneLogin account subdomain (`example` for `https://example.onelogin.com`).',
  },
  CLIENT: {
    type: 'string',
    scope: 'backend',
    doc: 'Apple: the Services ID (client id); `KEY` is the key id and `SECRET` the ES256 private key (PEM).',
  },
  TEAM: {
    type: 'string',
    scope: 'backend',
    doc: 'Apple: the developer team id. Slack: the workspace (team id) users must belong to.',
  },
  EMAIL_AS_USERNAME: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Apple: use the email rather than Apple’s `sub` as the username.',
  },
  API_VERSION: {
    type: 'string',
    scope: 'backend',
    doc: 'Facebook Graph API version, e.g. `19.0`.',
  },
  APPSECRET_PROOF: {
    type: 'boolean',
    default: true,
    scope: 'backend',
    doc: 'Facebook: sign Graph API calls with `appsecret_proof`.',
  },
  PROFILE_EXTRA_PARAMS: {
    type: 'record',
    default: {},
    scope: 'backend',
    doc: 'Facebook: extra query parameters for `/me` (e.g. `{ fields: "id,name,email,picture" }`).',
  },
  ORGANIZATION: {
    type: 'string',
    scope: 'backend',
    doc: 'WorkOS: the organization (`org_…`) to sign in with when the login request names none.',
  },
  CONNECTION: {
    type: 'string',
    scope: 'backend',
    doc: 'WorkOS: the connection (`conn_…`) to sign in with when the login request names none.',
  },
  BASE_URL: {
    type: 'string',
    scope: 'backend-only',
    doc: 'BoxyHQ SAML Jackson: the service URL (e.g. `https://jackson.example.com`).',
  },
  TENANT: {
    type: 'string',
    scope: 'backend',
    doc: 'BoxyHQ: the tenant to sign in with when the login request names none.',
  },
  PRODUCT: {
    type: 'string',
    scope: 'backend',
    doc: 'BoxyHQ: the product the SAML connections are registered under.',
  },
})
