export {
  createSocialAuth,
  type SocialAuth,
  type SocialAuthOptions,
  type UserBackendsData,
} from './social-auth.js'
export type { CompleteOptions, LoginInfo } from './actions/complete.js'
export type {
  CompletedPipeline,
  CompleteOutcome,
  CompleteResponse,
} from './actions/complete-outcome.js'
export type { DisconnectOptions } from './actions/disconnect.js'
export type { ErrorMode } from './actions/errors.js'
export * from './errors.js'
export * from './responses.js'
export type { RequestData, Session, Strategy } from './strategy.js'
export type * from './storage/types.js'
export { memoryStorage, MemoryIntegrityError } from './storage/memory.js'
export { mergeExtraData } from './storage/extra-data-merge.js'
export { hasUsablePassword, unusablePassword } from './storage/usable-password.js'
export type * from './backends/definition.js'
export { registerBackendAliases, backendAliases } from './backends/aliases.js'
export { isBackendDefinition, type BackendEntry } from './backends/loader.js'
export { SettingsResolver, type Settings } from './settings/resolver.js'
export { settingsFromEnv } from './settings/from-env.js'
export {
  defineSettings,
  knownSettings,
  DEFAULT_PROTECTED_USER_FIELDS,
  type SettingSpec,
  type SettingType,
} from './settings/schema.js'
export type {
  DisconnectContext,
  PipelineContext,
  PipelineServices,
  PipelineStep,
  StepResult,
} from './pipeline/context.js'
export { partialStep, type PartialStepOptions } from './pipeline/partial.js'
export { DEFAULT_AUTH_PIPELINE, DEFAULT_DISCONNECT_PIPELINE } from './pipeline/defaults.js'
export { isProviderCallback } from './pipeline/partial-resume.js'
export {
  socialDetails,
  socialUid,
  authAllowed,
  socialUser,
  associateUser,
  loadExtraData,
  associateByEmail,
} from './pipeline/steps/social-auth.js'
export {
  safeLinkByEmail,
  PENDING_LINK_SESSION_KEY,
  type PendingLink,
} from './pipeline/steps/safe-link.js'
export { getUsername, createUser, userDetails } from './pipeline/steps/user.js'
export { mailValidation } from './pipeline/steps/mail.js'
export {
  allowedToDisconnect,
  getEntries,
  revokeTokens,
  disconnect,
} from './pipeline/steps/disconnect.js'
export {
  RESERVED_CODE_PREFIX,
  isReservedCodeEmail,
  spendCode,
  type EmailValidationRequest,
} from './email-validation.js'
export {
  SocialAuthEmitter,
  socialAccount,
  type SocialAccount,
  type SocialAuthEvents,
  type SocialAuthEventName,
} from './events.js'
export { sanitizeRedirect, isUrl, appendQuery } from './redirects.js'
export { madeHere, type RequestProvenance } from './fetch-metadata.js'
export { cleanUsername, slugify, getUserNames } from './username.js'
export {
  rememberPendingLogin,
  takePendingLogin,
  type PendingLogin,
  type PendingLoginLookup,
  type PendingLoginsOptions,
} from './pending-logins.js'
export {
  randomBytes,
  randomString,
  randomToken,
  uuidHex,
  timingSafeEqualStrings,
} from './random.js'
export {
  secondsUntilExpiry,
  accessTokenExpired,
  sessionTimeout,
  ACCESS_TOKEN_EXPIRED_THRESHOLD_SECONDS,
  type SessionTimeoutOptions,
} from './expiration.js'
export { toJsonObject, toJsonValue } from './json.js'
export { JwksCache, type JwksCacheOptions, type JsonWebKeySet } from './jwks/jwks-cache.js'
export { readLimited } from './jwks/read-limited.js'
