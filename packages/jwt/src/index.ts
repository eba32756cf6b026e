export {
  DEFAULT_ALGORITHMS,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
  type SymmetricAlgorithm,
} from './algorithms.js'
export {
  bearerErrorResponse,
  type BearerChallengeOptions,
  type BearerErrorResponse,
} from './bearer-response.js'
export { checkClaims, parseClaims, type ClaimsPolicy, type JwtClaims } from './claims.js'
export {
  claimsSchema,
  type ClaimKind,
  type ClaimsOf,
  type ClaimsSchema,
  type ClaimType,
} from './claims-schema.js'
export { DEFAULT_MAX_TOKEN_LENGTH, splitCompactJws, type CompactJwsParts } from './compact-jws.js'
export type { JwtConfig } from './config.js'
export type { KeySetSource, StaticKey } from './key-source.js'
export { tenantVerifiers, type TenantVerifiersOptions, type VerifierResolver } from './tenants.js'
export { TokenCache, type TokenCacheOptions } from './token-cache.js'
export {
  extractToken,
  tokenSources,
  type RequestLike,
  type TokenSourceConfig,
  type TokenSources,
} from './token-sources.js'
export { hasRole, hasScope, userDataFrom, type UserData } from './user-data.js'
export { createVerifier, type AuthUser, type JwtVerifier } from './verifier.js'
export {
  jwtGuard,
  requireAuth,
  type GuardOptions,
  type JwtGuard,
  type VerifierSource,
} from './express/guard.js'
export { requireAnyRole, requireAnyScope, requireRole, requireScope } from './express/authorize.js'
export type { AuthClaims } from './express/request-auth.js'
export { sendBearerError } from './express/send-error.js'
export {
  createIssuer,
  type AccessTokenResponse,
  type IssuerOptions,
  type TokenIssuer,
} from './issuer/issuer.js'
export type { MintOptions } from './issuer/mint-options.js'
export { generateSigningKey, importSigningKey, type SigningKey } from './issuer/signing-key.js'
// The errors live in @social-auth/core's catalogue; re-exported so an API imports one package.
export {
  InsufficientRole,
  InsufficientScope,
  KeySetUnavailable,
  TokenExpired,
  TokenInvalid,
  TokenNotFound,
  TokenRequestMalformed,
} from '@social-auth/core'
