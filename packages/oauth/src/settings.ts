import { defineSettings } from '@social-auth/core'

const isEmptyObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0

// PSA's OAuth2 / OIDC settings (psa.md §2.7), so that `createSocialAuth` checks their types
// and the docs list them. Each is read per backend: SOCIAL_AUTH_<BACKEND>_<NAME> first.
defineSettings({
  SCOPE: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Scopes added to the backend’s default scope.',
  },
  IGNORE_DEFAULT_SCOPE: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Send only SCOPE, not the backend’s default scope.',
  },
  AUTH_EXTRA_ARGUMENTS: {
    type: 'record',
    default: {},
    scope: 'backend',
    doc: 'Extra authorization request parameters.',
  },
  AUTH_EXTRA_ARGUMENTS_OVERRIDE_ALLOWLIST: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'AUTH_EXTRA_ARGUMENTS keys the login request may override.',
  },
  AUTHORIZATION_URL: {
    type: 'string',
    scope: 'backend-only',
    doc: 'Override the authorization endpoint.',
  },
  ACCESS_TOKEN_URL: { type: 'string', scope: 'backend-only', doc: 'Override the token endpoint.' },
  REVOKE_TOKEN_URL: {
    type: 'string',
    scope: 'backend-only',
    doc: 'Override the revocation endpoint (RFC 7009).',
  },
  USE_PKCE: { type: 'boolean', scope: 'backend', doc: 'PKCE S256 (default on for every backend).' },
  REQUESTS_TIMEOUT: {
    type: 'number',
    default: 5,
    scope: 'backend',
    doc: 'Seconds before a provider request is abandoned.',
    fallback: 'URLOPEN_TIMEOUT',
  },
  URLOPEN_TIMEOUT: {
    type: 'number',
    scope: 'backend',
    doc: 'PSA’s older name of REQUESTS_TIMEOUT, read when that is unset, null or 0.',
  },
  USER_AGENT: { type: 'string', scope: 'backend', doc: 'User-Agent sent to providers.' },
  TOKEN_ENDPOINT_AUTH_METHOD: {
    type: 'string',
    scope: 'backend',
    doc: '`client_secret_post` or `client_secret_basic`.',
  },
  STATE_TTL: {
    type: 'number',
    default: 600,
    scope: 'backend',
    doc: 'Seconds a started login (state) stays valid.',
  },
  OIDC_ENDPOINT: {
    type: 'string',
    scope: 'backend-only',
    doc: 'The OpenID Provider’s issuer URL (discovery).',
  },
  USERINFO_URL: {
    type: 'string',
    scope: 'backend-only',
    doc: 'Override the userinfo endpoint discovery names (OIDC).',
  },
  ID_TOKEN_ISSUER: {
    type: 'string',
    scope: 'backend-only',
    doc: 'The `iss` id_tokens carry, when not the issuer discovery names (OIDC; compared exactly).',
  },
  JWKS_URI: {
    type: 'string',
    scope: 'backend-only',
    doc: 'Override the key set (`jwks_uri`) discovery names, for id_token signatures (OIDC).',
  },
  ID_TOKEN_MAX_AGE: {
    type: 'number',
    default: 600,
    scope: 'backend',
    doc: 'Seconds an id_token’s `iat` may be old (positive).',
  },
  JWT_ALGORITHMS: {
    type: 'string[]',
    default: ['RS256'],
    scope: 'backend',
    doc: 'Signature algorithms accepted for id_tokens (`none` never is).',
  },
  JWT_LEEWAY: {
    type: 'number',
    default: 1,
    min: 0,
    scope: 'backend',
    doc: 'Seconds of clock skew allowed (≥ 0; above 60 counts as 60).',
  },
  MAX_AGE: {
    type: 'number',
    min: 0,
    scope: 'backend',
    doc: 'OIDC `max_age` (≥ 0); `auth_time` is then required and checked.',
  },
  PROMPT: {
    type: 'string',
    scope: 'backend',
    doc: 'OIDC `prompt`: space-separated `none`, `login`, `consent`, `select_account`.',
  },
  DISPLAY: {
    type: 'string',
    scope: 'backend',
    doc: 'OIDC `display`: `page`, `popup`, `touch` or `wap`.',
  },
  UI_LOCALES: { type: 'string', scope: 'backend', doc: 'OIDC `ui_locales` (not blank).' },
  ID_TOKEN_HINT: { type: 'string', scope: 'backend', doc: 'OIDC `id_token_hint` (not blank).' },
  LOGIN_HINT: { type: 'string', scope: 'backend', doc: 'OIDC `login_hint` (not blank).' },
  ACR_VALUES: { type: 'string', scope: 'backend', doc: 'OIDC `acr_values` (not blank).' },
  USERNAME_KEY: {
    type: 'string',
    default: 'preferred_username',
    scope: 'backend',
    doc: 'Claim holding the username.',
  },
  EMAIL_KEY: {
    type: 'string',
    default: 'email',
    scope: 'backend',
    doc: 'Claim holding the email.',
  },
  FIRST_NAME_KEY: {
    type: 'string',
    default: 'given_name',
    scope: 'backend',
    doc: 'Claim holding the first name.',
  },
  LAST_NAME_KEY: {
    type: 'string',
    default: 'family_name',
    scope: 'backend',
    doc: 'Claim holding the last name.',
  },
  FULLNAME_KEY: {
    type: 'string',
    default: 'name',
    scope: 'backend',
    doc: 'Claim holding the full name.',
  },

  // PSA settings with no equivalent here (psa.md §2.7). Set to anything but what this package
  // does anyway, they fail createSocialAuth (ERR_IMPROPERLY_CONFIGURED) instead of being ignored.
  VERIFY_SSL: {
    type: 'boolean',
    scope: 'backend',
    doc: 'Not supported: provider certificates are always verified (`true` is accepted).',
    unsupported: {
      instead:
        'provider certificates are always verified. To trust a private certificate authority, start Node with NODE_EXTRA_CA_CERTS=<PEM file>.',
      accepts: (value) => value === true,
    },
  },
  PROXIES: {
    type: 'record',
    scope: 'backend',
    doc: 'Not supported: give the backend a `fetch` that uses the proxy (`{}` is accepted).',
    unsupported: {
      instead:
        'provider calls take no proxy setting. Give the backend a fetch that goes through the proxy (oidc({ fetch }), or the fetch option of any backend factory).',
      accepts: isEmptyObject,
    },
  },
  PKCE_CODE_CHALLENGE_METHOD: {
    type: 'string',
    scope: 'backend',
    doc: 'Not supported: PKCE is always S256 (`S256` is accepted); `USE_PKCE=false` turns it off.',
    unsupported: {
      instead:
        'PKCE is always S256 (RFC 9700 §2.1.1; plain sends the verifier in the authorization request). For a provider that cannot do S256, turn PKCE off for it with USE_PKCE=false.',
      accepts: (value) => typeof value === 'string' && value.toUpperCase() === 'S256',
    },
  },
  PKCE_CODE_VERIFIER_LENGTH: {
    type: 'number',
    scope: 'backend',
    doc: 'Not supported: the PKCE verifier is always 43 characters, 256 random bits (`43` is accepted).',
    unsupported: {
      instead:
        'the PKCE code verifier is always 43 characters of 256 random bits (RFC 7636 §7.1), which every provider accepts.',
      accepts: (value) => value === 43,
    },
  },
  JWT_DECODE_OPTIONS: {
    type: 'record',
    scope: 'backend',
    doc: 'Not supported: the id_token checks are fixed (`{}` is accepted).',
    unsupported: {
      instead:
        'the id_token checks are fixed (signature, iss, aud, exp and iat required, azp, nonce). JWT_LEEWAY and ID_TOKEN_MAX_AGE tune the time checks, JWT_ALGORITHMS the algorithms.',
      accepts: isEmptyObject,
    },
  },
})
