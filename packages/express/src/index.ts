export { socialAuthExpress, type SocialAuthExpress } from './social-auth-express.js'
export type { SocialAuthExpressOptions } from './options.js'
export { expressStrategy, type StrategyOptions } from './express-strategy.js'
export { csrfToken, csrfValid, CSRF_FIELD, CSRF_HEADER } from './csrf.js'
export { logIn, logOut, saveSession, type LogOutOptions } from './session-lifecycle.js'
export {
  defaultSessionCookieName,
  sessionMiddleware,
  type SessionMiddlewareOptions,
} from './session-middleware.js'
export { KnexSessionStore, type KnexSessionStoreOptions } from './knex-session-store.js'
export { wantsJson } from './http-answers.js'
export { publicDetail, type ErrorBody } from './error-mapping.js'
export type { SocialAuthSessionData } from './session-data.js'
export {
  rateLimit,
  sendRateLimited,
  MemoryRateLimitStore,
  KnexRateLimitStore,
  clientAddress,
  beginDomain,
  beginEmail,
  bodyField,
  requestField,
  userKey,
  DEFAULT_ROUTE_LIMITS,
  type Limit,
  type RateLimitEvent,
  type RateLimitHit,
  type RateLimitOptions,
  type RateLimitRule,
  type RateLimitStore,
  type MemoryRateLimitStoreOptions,
  type KnexRateLimitStoreOptions,
  type RouteRateLimits,
} from './rate-limit/index.js'
export {
  nativeClientRouter,
  loopbackRedirect,
  type NativeClient,
  type NativeClientOptions,
  type NativeTokenResponse,
} from './native-client/index.js'
