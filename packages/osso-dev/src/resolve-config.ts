import { DEFAULT_PORT, defaultSeed } from './default-seed.js'
import { OssoDevConfigError } from './errors.js'
import type {
  ClientConfig,
  EnterpriseConfig,
  Fidelity,
  IdpStatus,
  OssoDevConfig,
  OssoDevOptions,
  RackEnv,
  Service,
  UserConfig,
} from './types.js'

const FIDELITIES: readonly Fidelity[] = ['osso-0.1.2', 'strict']
const RACK_ENVS: readonly RackEnv[] = ['production', 'development']
const SERVICES: readonly Service[] = [
  'AZURE',
  'GOOGLE',
  'OKTA',
  'ONELOGIN',
  'OTHER',
  'PING',
  'SALESFORCE',
]
const STATUSES: readonly IdpStatus[] = ['PENDING', 'CONFIGURED', 'ACTIVE', 'ERROR']

/** Osso's `EnterpriseAccount` domain format (lowercase, 2–5 letter TLD). */
const DOMAIN_PATTERN = /^[a-z0-9]+([-.][a-z0-9]+)*\.[a-z]{2,5}$/

/**
 * Applies defaults to the options and checks the seed's references, throwing
 * {@link OssoDevConfigError} on the first problem. The result is a deep copy, so later
 * changes to the caller's objects cannot leak into a running server.
 */
export function resolveConfig(options: OssoDevOptions = {}): OssoDevConfig {
  const seed = defaultSeed()
  const config: OssoDevConfig = structuredClone({
    baseUrl: options.baseUrl ?? `http://localhost:${DEFAULT_PORT}`,
    fidelity: options.fidelity ?? 'osso-0.1.2',
    rackEnv: options.rackEnv ?? 'production',
    codeTtlSeconds: options.codeTtlSeconds ?? 60,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 600,
    corsOrigins: options.corsOrigins ?? [],
    autoLogin: options.autoLogin ?? false,
    csrf: options.csrf ?? false,
    devApi: options.devApi ?? true,
    clients: options.clients ?? seed.clients,
    enterprises: options.enterprises ?? seed.enterprises,
    users: options.users ?? seed.users,
  })
  const extra = options.extraRedirectUris ?? []
  if (extra.length > 0) {
    const first = config.clients[0]
    if (first === undefined) fail('extraRedirectUris needs at least one client')
    first.redirectUris.push(...extra)
  }
  validate(config)
  return config
}

function fail(message: string): never {
  throw new OssoDevConfigError(message)
}

function validate(config: OssoDevConfig): void {
  if (!FIDELITIES.includes(config.fidelity)) {
    fail(`fidelity must be one of ${FIDELITIES.join(', ')}, got ${String(config.fidelity)}`)
  }
  if (!RACK_ENVS.includes(config.rackEnv)) {
    fail(`rackEnv must be one of ${RACK_ENVS.join(', ')}, got ${String(config.rackEnv)}`)
  }
  for (const key of ['codeTtlSeconds', 'accessTokenTtlSeconds'] as const) {
    const value = config[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      fail(`${key} must be a positive number, got ${String(value)}`)
    }
  }
  if (!isHttpUrl(config.baseUrl)) fail(`baseUrl must be an http(s) URL, got ${config.baseUrl}`)
  if (
    !Array.isArray(config.corsOrigins) ||
    !config.corsOrigins.every((o) => typeof o === 'string')
  ) {
    fail('corsOrigins must be an array of origins')
  }
  const clientIds = validateClients(config.clients)
  const idpIds = validateEnterprises(config.enterprises, clientIds)
  validateUsers(config.users, idpIds)
}

function validateClients(clients: ClientConfig[]): Set<string> {
  if (!Array.isArray(clients)) fail('clients must be an array')
  const ids = new Set<string>()
  for (const client of clients) {
    const label = `client ${JSON.stringify(client.clientId)}`
    if (!nonEmpty(client.clientId)) fail('every client needs a non-empty clientId')
    if (ids.has(client.clientId)) fail(`${label} is defined twice`)
    ids.add(client.clientId)
    if (!nonEmpty(client.clientSecret)) fail(`${label} needs a non-empty clientSecret`)
    if (typeof client.name !== 'string') fail(`${label} needs a name`)
    if (!Array.isArray(client.redirectUris)) fail(`${label}: redirectUris must be an array`)
    let primaries = 0
    for (const entry of client.redirectUris) {
      const uri = typeof entry === 'string' ? entry : entry.uri
      if (!nonEmpty(uri)) fail(`${label} has an empty redirect URI`)
      if (typeof entry !== 'string' && entry.primary === true) primaries += 1
    }
    if (primaries > 1)
      fail(`${label} has ${primaries} primary redirect URIs; at most one is allowed`)
  }
  return ids
}

function validateEnterprises(enterprises: EnterpriseConfig[], clientIds: Set<string>): Set<string> {
  if (!Array.isArray(enterprises)) fail('enterprises must be an array')
  const domains = new Set<string>()
  const idpIds = new Set<string>()
  for (const enterprise of enterprises) {
    const label = `enterprise ${JSON.stringify(enterprise.name)}`
    if (typeof enterprise.domain !== 'string' || !DOMAIN_PATTERN.test(enterprise.domain)) {
      fail(
        `${label}: domain ${JSON.stringify(enterprise.domain)} must match ${String(DOMAIN_PATTERN)}`,
      )
    }
    if (domains.has(enterprise.domain)) fail(`${label}: domain ${enterprise.domain} is used twice`)
    domains.add(enterprise.domain)
    if (!Array.isArray(enterprise.identityProviders))
      fail(`${label}: identityProviders must be an array`)
    for (const idp of enterprise.identityProviders) {
      if (!SERVICES.includes(idp.service)) {
        fail(
          `${label}: IdP service must be one of ${SERVICES.join(', ')}, got ${String(idp.service)}`,
        )
      }
      if (idp.status !== undefined && !STATUSES.includes(idp.status)) {
        fail(
          `${label}: IdP status must be one of ${STATUSES.join(', ')}, got ${String(idp.status)}`,
        )
      }
      if (!clientIds.has(idp.clientId)) {
        fail(`${label}: IdP refers to unknown client ${JSON.stringify(idp.clientId)}`)
      }
      if (idp.id !== undefined) {
        if (!nonEmpty(idp.id)) fail(`${label}: IdP id must be a non-empty string`)
        if (idpIds.has(idp.id)) fail(`IdP id ${idp.id} is used twice`)
        idpIds.add(idp.id)
      }
    }
  }
  return idpIds
}

function validateUsers(users: UserConfig[], idpIds: Set<string>): void {
  if (!Array.isArray(users)) fail('users must be an array')
  const ids = new Set<string>()
  for (const user of users) {
    const label = `user ${JSON.stringify(user.email)}`
    if (!nonEmpty(user.email)) fail('every user needs a non-empty email')
    if (!idpIds.has(user.identityProviderId)) {
      // Only IdPs with an explicit id can be referenced: generated ids do not exist yet.
      fail(
        `${label} refers to unknown identity provider ${JSON.stringify(user.identityProviderId)}`,
      )
    }
    if (user.id !== undefined) {
      if (!nonEmpty(user.id)) fail(`${label}: id must be a non-empty string`)
      if (ids.has(user.id)) fail(`user id ${user.id} is used twice`)
      ids.add(user.id)
    }
  }
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
