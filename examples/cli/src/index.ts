export { run, type RunIo } from './run.js'
export { login, type LoginIo } from './login.js'
export { whoami, apiMe } from './api.js'
export { readSettings, type CliSettings } from './settings.js'
export {
  loadCredentials,
  saveCredentials,
  removeCredentials,
  type Credentials,
} from './credentials.js'
