#!/usr/bin/env node
// `npm start`: the example on PORT (3000), SQLite under ./data/ unless DATABASE_URL says
// otherwise, and osso-dev on 9292 when SOCIAL_AUTH_OSSO_BASE_URL is unset.
import { describeStartFailure, startExample, type RunningExample } from './start-example.js'

let running: RunningExample
try {
  running = await startExample(process.env)
} catch (err) {
  const reason = describeStartFailure(err)
  if (reason === undefined) throw err
  console.error(`express-osso could not start: ${reason}`)
  process.exit(1)
}
const lines = [`express-osso example: ${running.url}`]
if (running.ossoDevUrl) {
  lines.push(`osso-dev (local Osso) at ${running.ossoDevUrl}: sign in with user@example.com`)
}
if (running.example.config.generatedSecret) {
  lines.push('SESSION_SECRET is not set: using a random one, so sessions end when the app restarts')
}
console.log(lines.join('\n'))

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    void running.close().then(() => process.exit(0))
  })
}
