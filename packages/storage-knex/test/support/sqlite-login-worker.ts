/**
 * One app process on a shared SQLite file: its own connection (as `connectDatabase` opens
 * it) and engine, firing `count` first logins at once — of one account (`account:<uid>`), or
 * of different accounts that all ask for the same username (`username:<name>`). Prints one
 * JSON line: the user id each login ended as, and any errors.
 *
 *     node --import ./register-ts.mjs sqlite-login-worker.ts <sqlite url> <count> account:<uid>
 */
import { connectDatabase, knexStorage } from '@social-auth/storage-knex'
import { engineFor, login } from './login.js'

const [url, countText, scenario] = process.argv.slice(2) as [string, string, string]
const [mode, value] = scenario.split(':') as ['account' | 'username', string]
const db = connectDatabase(url)
try {
  const social = await engineFor(knexStorage(db), (code) =>
    mode === 'account'
      ? { id: value, login: 'racer', email: 'racer@example.com', access_token: code }
      : { id: code, login: value, email: `${code}@example.com`, access_token: code },
  )
  const settled = await Promise.allSettled(
    Array.from({ length: Number(countText) }, (_, i) => login(social, `code-${process.pid}-${i}`)),
  )
  const userIds = settled.flatMap((s) => (s.status === 'fulfilled' ? [String(s.value.userId)] : []))
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []))
  process.stdout.write(`${JSON.stringify({ userIds, errors })}\n`)
} finally {
  await db.destroy()
}
