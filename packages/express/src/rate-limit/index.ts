export type { RateLimitHit, RateLimitStore } from './store.js'
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './memory-store.js'
export { KnexRateLimitStore, type KnexRateLimitStoreOptions } from './knex-store.js'
export {
  rateLimit,
  sendRateLimited,
  type Limit,
  type RateLimitEvent,
  type RateLimitOptions,
  type RateLimitRule,
} from './rate-limit.js'
export { clientAddress } from './client-address.js'
export { beginDomain, beginEmail, bodyField, requestField, userKey } from './keys.js'
export { DEFAULT_ROUTE_LIMITS, type RouteRateLimits } from './route-limits.js'
