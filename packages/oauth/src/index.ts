export {
  defineOAuth2,
  type OAuth2Backend,
  type OAuth2Endpoints,
  type OAuth2Spec,
  type ProviderConfiguration,
  type RevokeInput,
  type UserDataInput,
} from './define-oauth2.js'
export { oidc, oidcUserDetails, type OidcOptions } from './oidc.js'
export { verifyIdToken, type IdTokenExpectations } from './id-token.js'
export { keySetFor } from './key-sets.js'
export { discoverIssuer, clearDiscoveryCache } from './discovery.js'
export { mapProviderError, callbackError } from './provider-errors.js'
export { providerUrl, isLoopback } from './url-policy.js'
export { tokenExtraData } from './token-extra-data.js'
export type { LoginTransaction } from './transactions.js'
export { refreshAccessToken } from './refresh.js'
export {
  httpFetch,
  httpRead,
  MAX_PROVIDER_RESPONSE_BYTES,
  type HttpFetchOptions,
  type HttpReadAnswer,
  type HttpReadRequest,
} from './http-fetch.js'
