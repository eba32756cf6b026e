import { createApp } from './app.js'
import { readEnv } from './env.js'

// `npm run start:resource-server`: the API on PORT (default 8001), trusting JWT_ISSUER's keys.
const env = readEnv(process.env)
// Express 5 hands a listen error (a port in use) to this callback, not to an 'error' event.
const server = createApp(process.env).listen(env.port, (err?: Error) => {
  if (err) {
    const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
    console.error(
      `resource server could not start: ${taken ? `port ${env.port} is already in use; set PORT to a free one` : err.message}`,
    )
    process.exit(1)
  }
  console.log(
    `resource server on http://localhost:${env.port} — trusting ${env.issuer} (keys: ${env.jwksUrl}, audience: ${env.audience})`,
  )
})
const stop = (): void => {
  server.close(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
