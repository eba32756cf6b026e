/**
 * An app pipeline that keeps allowed_to_disconnect but deletes in its own step (a PSA port:
 * `user_storage.disconnect` per entry) runs in one transaction, as before: two simultaneous
 * disconnects of one user (one per provider) cannot both succeed.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  allowedToDisconnect,
  createSocialAuth,
  getEntries,
  memoryStorage,
  revokeTokens,
  type DisconnectContext,
  type Storage,
} from '@social-auth/core'
import { createTestStrategy, dummyBackend } from '@social-auth/core/testing'
import { knexStorage, migrate } from '../src/index.js'
import { openSqlite, type TestDatabase } from './support/databases.js'

let db: TestDatabase | undefined
afterEach(async () => {
  await db?.destroy()
  db = undefined
})

/** The app's own delete step (PSA's `user_storage.disconnect(entry)` per entry). */
async function archiveAndDisconnect(ctx: DisconnectContext): Promise<void> {
  for (const entry of ctx.entries ?? []) await ctx.user_storage.disconnect(entry)
}

describe.each(['memory', 'sqlite'] as const)('custom delete step on %s', (name) => {
  it('two simultaneous disconnects (one per provider) do not both succeed', async () => {
    let storage: Storage
    if (name === 'memory') storage = memoryStorage()
    else {
      db = openSqlite()
      await migrate(db.knex)
      storage = knexStorage(db.knex)
    }
    // Both provider calls meet (or give up after 300 ms, when the other request waits).
    let arrived = 0
    let meet!: () => void
    const met = new Promise<void>((resolve) => (meet = resolve))
    const revoking = (backend: string) => ({
      ...dummyBackend({ name: backend }),
      async revokeToken() {
        if (++arrived === 2) meet()
        await Promise.race([met, new Promise((resolve) => setTimeout(resolve, 300))])
        return true
      },
    })
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [revoking('alpha'), revoking('beta')],
        REVOKE_TOKENS_ON_DISCONNECT: true,
        DISCONNECT_PIPELINE: [allowedToDisconnect, getEntries, revokeTokens, archiveAndDisconnect],
        LOGIN_REDIRECT_URL: '/done',
        LOGIN_URL: '/login',
      },
      storage,
    })
    const user = await storage.user.createUser({ username: 'racer', email: '' })
    for (const backend of ['alpha', 'beta']) {
      const s = await storage.user.createSocialAuth(user, `${backend}-1`, backend)
      await storage.user.setExtraData(s, { access_token: 'token' })
    }
    const outcomes = await Promise.all(
      ['alpha', 'beta'].map((backend) =>
        social
          .disconnect(createTestStrategy().request({ method: 'POST', body: {} }), backend, {
            user,
            onError: 'throw',
          })
          .then(
            () => 'disconnected',
            (err: unknown) => (err as { code?: string }).code ?? String(err),
          ),
      ),
    )
    expect({
      outcomes: outcomes.sort(),
      left: (await storage.user.getSocialAuthForUser(user)).length,
    }).toEqual({ outcomes: ['ERR_NOT_ALLOWED_TO_DISCONNECT', 'disconnected'], left: 1 })
  })
})
