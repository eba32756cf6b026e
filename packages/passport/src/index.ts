export {
  SocialAuthStrategy,
  type SocialAuthFailure,
  type SocialAuthInfo,
  type SocialAuthStrategyOptions,
} from './social-auth-strategy.js'
export {
  fromPassport,
  type FromPassportOptions,
  type PassportOAuth2Strategy,
} from './from-passport.js'
export { serializeUser, deserializeUser } from './serialize.js'
export {
  requestStrategy,
  requestSession,
  type PassportRequest,
  type RequestStrategyOptions,
} from './request-strategy.js'
