/**
 * A POST /disconnect/alpha submitted twice while the first waits on a slow revocation deletes
 * the row once and announces it once, on both databases.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createSocialAuth } from '@social-auth/core'
import { createTestStrategy, dummyBackend } from '@social-auth/core/testing'
import { knexStorage, migrate } from '../src/index.js'
import { openDatabase, type TestDatabase } from './support/databases.js'

let db: TestDatabase | undefined
afterEach(async () => {
  await db?.destroy()
  db = undefined
})

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(['sqlite', 'postgres'] as const)('double-submitted disconnect on %s', (name) => {
  it('emits one account.disconnected for the one deleted row', async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
    const storage = knexStorage(db.knex)
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let entered!: () => void
    const inRevoke = new Promise<void>((resolve) => (entered = resolve))
    let calls = 0
    const alphaBackend = {
      ...dummyBackend({ name: 'alpha' }),
      async revokeToken() {
        if (calls++ === 0) {
          entered()
          await released
        }
        return true
      },
    }
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [alphaBackend, dummyBackend({ name: 'beta' })],
        REVOKE_TOKENS_ON_DISCONNECT: true,
        LOGIN_REDIRECT_URL: '/done',
        LOGIN_URL: '/login',
      },
      storage,
    })
    const events: string[] = []
    social.events.on('account.disconnected', ({ social: s }) =>
      events.push(`${s.provider}#${String(s.id)}`),
    )
    const user = await storage.user.createUser({ username: 'twice', email: '' })
    const alpha = await storage.user.createSocialAuth(user, 'a-1', 'alpha')
    await storage.user.setExtraData(alpha, { access_token: 'token' })
    await storage.user.createSocialAuth(user, 'b-1', 'beta')
    const post = () =>
      social.disconnect(createTestStrategy().request({ method: 'POST', body: {} }), 'alpha', {
        user,
        onError: 'throw',
      })

    const first = post()
    await inRevoke
    const second = post()
    await tick(300)
    release()
    await Promise.all([first, second])

    expect((await storage.user.getSocialAuthForUser(user)).map((s) => s.provider)).toEqual(['beta'])
    expect(events).toEqual([`alpha#${String(alpha.id)}`])
  })
})
