export { osso, type OssoOptions } from './osso.js'
export { checkRequested, routingParams } from './requested.js'
