export {
  nativeClientRouter,
  type NativeClient,
  type NativeClientOptions,
  type NativeTokenResponse,
} from './native-client-router.js'
export { loopbackRedirect } from './loopback-redirect.js'
