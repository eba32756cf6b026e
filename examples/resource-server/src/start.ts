import { createApp } from './app.js'
import { readEnv } from './env.js'

// `npm run start:resource-server`: the API on PORT (default 8001), trusting JWT_ISSUER's keys.
const env = readEnv(process.env)
const server = createApp(process.env).listen(env.port, () => {
  console.log(
    `resource server on http://localhost:${env.port} — trusting ${env.issuer} (keys: ${env.jwksUrl}, audience: ${env.audience})`,
  )
})
const stop = (): void => {
  server.close(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
