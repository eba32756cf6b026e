/**
 * Known settings: their type, PSA default and scope. The resolver uses the defaults; the
 * validator uses the types so a wrong value fails `createSocialAuth` rather than the first
 * login. Packages add their own (OAuth, OIDC, Osso) through {@link defineSettings}.
 */

/** How a setting's value is checked and how `settingsFromEnv` parses it. */
export type SettingType =
  | 'boolean'
  | 'string'
  | 'number'
  | 'string[]'
  | 'record'
  | 'function-or-string'
  | 'pipeline'
  | 'backends'
  | 'extra-data'
  | 'any'

/** One setting's declaration. */
export interface SettingSpec {
  readonly type: SettingType
  /** PSA's default, used when no name in the lookup order is set. */
  readonly default?: unknown
  /**
   * `backend`: looked up as SOCIAL_AUTH_<BACKEND>_X, SOCIAL_AUTH_X, X (PSA's order).
   * `global`: SOCIAL_AUTH_X, X only (PSA reads these without a backend).
   * `backend-only`: SOCIAL_AUTH_<BACKEND>_X only. Credentials use this so that one backend's
   * secret is never sent to another provider (PSA falls back to a global KEY/SECRET).
   */
  readonly scope: 'backend' | 'global' | 'backend-only'
  /** One line for the generated docs. */
  readonly doc: string
  /** The smallest value a `number` setting may hold. */
  readonly min?: number
  /**
   * A place the browser is sent to (`LOGIN_URL`, `LOGIN_REDIRECT_URL`, …): `createSocialAuth`
   * refuses a value that is not what redirects accept (a path, an http(s) URL, or a scheme of
   * `ALLOWED_REDIRECT_SCHEMES`), such as a Django URL name. Not for provider endpoints.
   */
  readonly redirect?: boolean
  /**
   * An older setting read, in its own lookup order and before any default, when this one is
   * unset or falsy (`null`, `0`, `''`, `false`): PSA reads `REQUESTS_TIMEOUT or URLOPEN_TIMEOUT`.
   */
  readonly fallback?: string
  /**
   * A PSA setting this port deliberately does not implement. Set anywhere (globally or for a
   * backend) to a value `accepts` does not admit, it fails `createSocialAuth` with
   * `ERR_IMPROPERLY_CONFIGURED` naming the key and saying what to do `instead`, rather than being
   * ignored. `accepts` admits the values that ask for what this port does anyway
   * (`VERIFY_SSL: true`); `null` (PSA's None) is always admitted.
   */
  readonly unsupported?: {
    readonly instead: string
    readonly accepts?: (value: unknown) => boolean
  }
  /**
   * A `backend-only` setting whose `SOCIAL_AUTH_X` form (not blank) fails `createSocialAuth`
   * with `ERR_IMPROPERLY_CONFIGURED`: PSA falls back to it, this port never reads it, and a
   * migrated app would otherwise find out only when a login fails (the credentials).
   */
  readonly refuseGlobal?: boolean
}

const registry = new Map<string, SettingSpec>()

/** Registers settings (name without prefix → spec). Later packages call this at import. */
export function defineSettings(specs: Record<string, SettingSpec>): void {
  for (const [name, spec] of Object.entries(specs)) registry.set(name, spec)
}

/** The spec of a known setting, or undefined. */
export function settingSpec(name: string): SettingSpec | undefined {
  return registry.get(name)
}

/** Every known setting, for docs and validation. */
export function knownSettings(): ReadonlyMap<string, SettingSpec> {
  return registry
}

/** The user attributes `user_details` never overwrites unless told otherwise (PSA). */
export const DEFAULT_PROTECTED_USER_FIELDS: readonly string[] = [
  'username',
  'id',
  'pk',
  'email',
  'password',
  'is_active',
  'is_staff',
  'is_superuser',
]

defineSettings({
  AUTHENTICATION_BACKENDS: {
    type: 'backends',
    default: [],
    scope: 'global',
    doc: 'Backends: objects, PSA dotted paths, or `module#export` specifiers.',
  },
  PIPELINE: { type: 'pipeline', scope: 'backend', doc: 'The auth pipeline (default: PSA’s).' },
  DISCONNECT_PIPELINE: {
    type: 'pipeline',
    scope: 'backend',
    doc: 'The disconnect pipeline (default: PSA’s).',
  },
  USER_FIELDS: {
    type: 'string[]',
    default: ['username', 'email'],
    scope: 'backend',
    doc: 'Fields `create_user` passes to storage.',
  },
  USERNAME_IS_FULL_EMAIL: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Use the whole email as the username.',
  },
  UUID_LENGTH: {
    type: 'number',
    default: 16,
    scope: 'backend',
    doc: 'Length of the random suffix added to a taken username.',
  },
  SLUGIFY_USERNAMES: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Slugify usernames.',
  },
  SLUGIFY_FUNCTION: {
    type: 'function-or-string',
    scope: 'backend',
    doc: 'Custom slug function (function or `module#export`).',
  },
  CLEAN_USERNAMES: {
    type: 'boolean',
    default: true,
    scope: 'backend',
    doc: 'Strip characters outside `[\\w.@+-]` from usernames.',
  },
  CLEAN_USERNAME_FUNCTION: {
    type: 'function-or-string',
    scope: 'backend',
    doc: 'Custom username cleaner (function or `module#export`).',
  },
  FORCE_EMAIL_LOWERCASE: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Lower-case the email of new users.',
  },
  PROTECTED_USER_FIELDS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'More user fields `user_details` never overwrites.',
  },
  NO_DEFAULT_PROTECTED_USER_FIELDS: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Drop the default protected fields (username, id, email, password, is_* …).',
  },
  IMMUTABLE_USER_FIELDS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Fields `user_details` sets only while they are empty.',
  },
  USER_FIELD_MAPPING: {
    type: 'record',
    default: {},
    scope: 'backend',
    doc: 'Maps detail names to user attributes in `user_details`.',
  },
  WHITELISTED_DOMAINS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Only these email domains may log in.',
  },
  WHITELISTED_EMAILS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Only these emails may log in.',
  },
  ASSOCIATE_BY_EMAIL_TRUST_PROVIDER: {
    type: 'boolean',
    scope: 'backend',
    doc: 'Whether this backend’s verified emails may link to existing accounts (default: the backend’s own `emailAuthority`).',
  },
  LINK_ACCOUNT_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where `safe_link_by_email` sends a user to sign in with their existing method (default LOGIN_URL).',
  },
  FORCE_EMAIL_VALIDATION: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Require `mail_validation` for every backend.',
  },
  PASSWORDLESS: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Send a validation email on every login, not only the first.',
  },
  EMAIL_VALIDATION_FUNCTION: {
    type: 'function-or-string',
    scope: 'global',
    doc: 'Sends the validation email: `({ backend, code, partialToken })` (function or `module#export`).',
  },
  EMAIL_VALIDATION_URL: {
    type: 'string',
    redirect: true,
    scope: 'global',
    doc: 'Where `mail_validation` sends the browser after mailing the code.',
  },
  PARTIAL_PIPELINE_TOKEN_NAME: {
    type: 'string',
    default: 'partial_token',
    scope: 'backend',
    doc: 'Request parameter carrying a partial pipeline token.',
  },
  PARTIAL_PIPELINE_EXTERNAL_RESUME_CONFIRMATION_PARAMETER: {
    type: 'string',
    default: 'partial_pipeline_confirm',
    scope: 'backend',
    doc: 'Request parameter that confirms an external resume.',
  },
  PARTIAL_PIPELINE_TTL: {
    type: 'number',
    default: 86_400,
    scope: 'global',
    doc: 'Seconds a paused pipeline stays resumable.',
  },
  REVOKE_TOKENS_ON_DISCONNECT: {
    type: 'boolean',
    default: false,
    scope: 'global',
    doc: 'Revoke provider tokens when an account is disconnected.',
  },
  LOGIN_REDIRECT_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where a user lands after logging in.',
  },
  LOGIN_ERROR_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where a failed login lands (default LOGIN_URL), with `?error=<code>`.',
  },
  LOGIN_URL: { type: 'string', redirect: true, scope: 'backend', doc: 'The sign-in page.' },
  NEW_USER_REDIRECT_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where a newly created user lands.',
  },
  NEW_ASSOCIATION_REDIRECT_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where a logged-in user lands after linking an account.',
  },
  DISCONNECT_REDIRECT_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where the browser lands after a disconnect.',
  },
  INACTIVE_USER_URL: {
    type: 'string',
    redirect: true,
    scope: 'backend',
    doc: 'Where an inactive user lands.',
  },
  SANITIZE_REDIRECTS: {
    type: 'boolean',
    default: true,
    scope: 'backend',
    doc: 'Refuse `next` URLs to foreign hosts (keep on).',
  },
  ALLOWED_REDIRECT_HOSTS: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Extra hosts `next` may point to.',
  },
  ALLOWED_REDIRECT_SCHEMES: {
    type: 'string[]',
    default: ['http', 'https'],
    scope: 'backend',
    doc: 'Schemes `next` may use (add private-use schemes for apps).',
  },
  REDIRECT_IS_HTTPS: {
    type: 'boolean',
    default: false,
    scope: 'global',
    doc: 'Build absolute URIs with https (behind a TLS proxy).',
  },
  ALLOW_INACTIVE_USERS_LOGIN: {
    type: 'boolean',
    default: false,
    scope: 'global',
    doc: 'Treat inactive users as active at login.',
  },
  INACTIVE_USER_LOGIN: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Log an inactive user in before sending them to INACTIVE_USER_URL.',
  },
  FIELDS_STORED_IN_SESSION: {
    type: 'string[]',
    default: [],
    scope: 'backend',
    doc: 'Login request fields copied into the session.',
  },
  ID_KEY: { type: 'string', scope: 'backend', doc: 'Response key holding the account id.' },
  EXTRA_DATA: {
    type: 'extra-data',
    default: [],
    scope: 'backend',
    doc: 'More response keys to keep in `extra_data`.',
  },
  GET_ALL_EXTRA_DATA: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Keep the whole provider response in `extra_data`.',
  },
  KEY: {
    type: 'string',
    scope: 'backend-only',
    refuseGlobal: true,
    doc: 'Client id at the provider.',
  },
  SECRET: {
    type: 'string',
    scope: 'backend-only',
    refuseGlobal: true,
    doc: 'Client secret at the provider.',
  },
  SESSION_EXPIRATION: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Make the session expire with the provider token.',
  },
  MAX_SESSION_LENGTH: {
    type: 'number',
    min: 0,
    scope: 'backend',
    doc: 'Upper bound on the session length, in seconds; 0: until the browser closes.',
  },
  RAISE_EXCEPTIONS: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Let errors propagate instead of redirecting to LOGIN_ERROR_URL.',
  },
})
