import { TokenRequestMalformed } from '@social-auth/core'
import type { JwtConfig } from './config.js'
import type { RequestLike } from './token-sources.js'
import { createVerifier, type JwtVerifier } from './verifier.js'

/**
 * Chooses the verifier for a request (multi-tenant APIs: by a header, the host, the path…).
 * Return a verifier, a configuration, or undefined for an unknown tenant (answered 400
 * `invalid_request`).
 *
 * @example
 * ```ts
 * const byTenant: VerifierResolver = (req) => TENANT_CONFIGS[String(req.headers['x-tenant-id'])]
 * ```
 */
export type VerifierResolver<C extends object = object, R extends RequestLike = RequestLike> = (
  request: R,
) => JwtVerifier<C> | JwtConfig<C> | undefined | Promise<JwtVerifier<C> | JwtConfig<C> | undefined>

/** Options of {@link tenantVerifiers}. */
export interface TenantVerifiersOptions {
  /** At most this many verifiers built from configurations are kept (default 100; the oldest go first). */
  readonly maxTenants?: number
}

const isVerifier = <C extends object>(
  value: JwtVerifier<C> | JwtConfig<C>,
): value is JwtVerifier<C> => typeof (value as Partial<JwtVerifier<C>>).verify === 'function'

// Configurations with a JWKS URL are identified by what decides verification, so a resolver
// that builds a fresh object per request still gets one verifier — and one JWKS cache and one
// token cache — per issuer. Configurations with inline keys are identified by object identity:
// two tenants sharing an issuer name must never share a secret.
function configKey(config: JwtConfig<object>): string | undefined {
  if (config.jwksUrl === undefined) return undefined
  return JSON.stringify([
    config.jwksUrl,
    config.issuer ?? null,
    config.audience ?? null,
    config.algorithms ?? null,
    config.typ ?? null,
    config.header ?? null,
    config.leeway ?? null,
    config.maxTokenAge ?? null,
    config.requiredClaims ?? null,
    [config.verifyExp, config.verifyNbf, config.verifyAud, config.verifyIss],
  ])
}

/**
 * Turns a {@link VerifierResolver} into a per-request verifier lookup with one verifier (and so
 * one JWKS cache and one verified-token cache) per issuer configuration.
 *
 * @example
 * ```ts
 * const verifierFor = tenantVerifiers((req) => TENANT_CONFIGS[String(req.headers['x-tenant-id'])])
 * const user = await (await verifierFor(req)).authenticate(req)
 * ```
 */
export function tenantVerifiers<C extends object, R extends RequestLike>(
  resolve: VerifierResolver<C, R>,
  options: TenantVerifiersOptions = {},
): (request: R) => Promise<JwtVerifier<C>> {
  const maxTenants = options.maxTenants ?? 100
  const byKey = new Map<string, JwtVerifier<C>>()
  const byObject = new WeakMap<JwtConfig<C>, JwtVerifier<C>>()
  return async (request) => {
    const found = await resolve(request)
    if (found === undefined) throw new TokenRequestMalformed('The request names no known tenant')
    if (isVerifier(found)) return found
    const key = configKey(found)
    let verifier = key === undefined ? byObject.get(found) : byKey.get(key)
    if (verifier) return verifier
    verifier = createVerifier(found)
    if (key === undefined) byObject.set(found, verifier)
    else {
      if (byKey.size >= maxTenants) byKey.delete(byKey.keys().next().value as string)
      byKey.set(key, verifier)
    }
    return verifier
  }
}
