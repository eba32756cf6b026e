export { createApp, type AppOverrides } from './app.js'
export { app } from './default-app.js'
export {
  readEnv,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  DEFAULT_PORT,
  type ResourceServerEnv,
} from './env.js'
export { PostStore, type Post, type Workspace } from './posts.js'
