export { createOssoDevServer } from './create-server.js'
export type { OssoDevListener, OssoDevServer } from './create-server.js'
export {
  DEFAULT_PORT,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  OTHER_CLIENT_ID,
  OTHER_CLIENT_SECRET,
  SEED_IDP_IDS,
  SEED_USER_EMAIL,
  SEED_USER_ID,
  SEED_USER_IDP_ID,
  defaultSeed,
} from './default-seed.js'
export type { Seed } from './default-seed.js'
export { optionsFromEnv } from './env-options.js'
export type { EnvOptions } from './env-options.js'
export { OssoDevConfigError } from './errors.js'
export { IDP_INITIATED } from './complete-login.js'
export { SESSION_COOKIE } from './session-cookie.js'
export { OssoDevState } from './state.js'
export type {
  AccessToken,
  AuthorizationCode,
  Client,
  ClientConfig,
  Enterprise,
  EnterpriseConfig,
  Fidelity,
  IdentityProvider,
  IdentityProviderConfig,
  IdpStatus,
  MockIdentity,
  NextLogin,
  OAuthSession,
  OssoDevConfig,
  OssoDevOptions,
  RackEnv,
  RedirectUriConfig,
  Requested,
  Service,
  Simulation,
  User,
  UserConfig,
} from './types.js'
