/**
 * Disconnects that race on the memory storage: the pipeline runs outside a transaction (the
 * provider is called in it), so the `disconnect` step must delete only what is still there,
 * under its own lock.
 */
import { describe, expect, it } from '@jest/globals'
import { createSocialAuth, memoryStorage, type SocialAuth, type Storage } from '../src/index.js'
import { createTestStrategy, dummyBackend } from '../src/testing/index.js'

/** A backend whose first revocation waits until the test releases it (a slow provider). */
function slowRevoker() {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let entered!: () => void
  const inRevoke = new Promise<void>((resolve) => (entered = resolve))
  let calls = 0
  const backend = {
    ...dummyBackend({ name: 'alpha' }),
    async revokeToken() {
      if (calls++ === 0) {
        entered()
        await released
      }
      return true
    },
  }
  return { backend, release, inRevoke }
}

async function engine(storage: Storage, backend: ReturnType<typeof slowRevoker>['backend']) {
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [backend, dummyBackend({ name: 'beta' })],
      REVOKE_TOKENS_ON_DISCONNECT: true,
      LOGIN_REDIRECT_URL: '/done',
      LOGIN_URL: '/login',
    },
    storage,
  })
  const disconnected: string[] = []
  social.events.on('account.disconnected', ({ social: s }) =>
    disconnected.push(`${s.provider}:${s.uid}#${String(s.id)}`),
  )
  return { social, disconnected }
}

const post = (social: SocialAuth, user: Parameters<SocialAuth['disconnect']>[2]['user']) =>
  social.disconnect(createTestStrategy().request({ method: 'POST', body: {} }), 'alpha', {
    user,
    onError: 'throw',
  })

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('racing disconnects on memoryStorage', () => {
  it('a double-submitted disconnect announces one account.disconnected per deleted row', async () => {
    const storage = memoryStorage()
    const slow = slowRevoker()
    const { social, disconnected } = await engine(storage, slow.backend)
    const user = await storage.user.createUser({ username: 'a', email: '' })
    const alpha = await storage.user.createSocialAuth(user, 'a-1', 'alpha')
    await storage.user.setExtraData(alpha, { access_token: 't' })
    await storage.user.createSocialAuth(user, 'b-1', 'beta')

    const first = post(social, user)
    await slow.inRevoke
    const second = post(social, user)
    await tick(100)
    slow.release()
    await Promise.all([first, second])

    expect((await storage.user.getSocialAuthForUser(user)).map((s) => s.provider)).toEqual(['beta'])
    // One row was deleted: listeners (an audit log, a "you unlinked alpha" mail) hear of it once.
    expect(disconnected).toEqual([`alpha:a-1#${String(alpha.id)}`])
  })

  it('a stale disconnect does not delete the same provider account re-linked to another user (its only login method)', async () => {
    const storage = memoryStorage()
    const slow = slowRevoker()
    const { social, disconnected } = await engine(storage, slow.backend)
    const userA = await storage.user.createUser({ username: 'a', email: '' })
    const alpha = await storage.user.createSocialAuth(userA, 'a-1', 'alpha')
    await storage.user.setExtraData(alpha, { access_token: 't' })
    await storage.user.createSocialAuth(userA, 'b-1', 'beta')
    const userB = await storage.user.createUser({ username: 'b', email: '' })

    // Request 1 (slow provider) and request 2 (a double click) disconnect alpha from A; once
    // request 2 is done, the alpha account a-1 is signed in again and linked to user B.
    const first = post(social, userA)
    await slow.inRevoke
    const relinked = post(social, userA).then(async () =>
      storage.transaction((tx) => tx.user.createSocialAuth(userB, 'a-1', 'alpha')),
    )
    await Promise.race([relinked, tick(200)])
    slow.release()
    await Promise.all([first, relinked])

    const ofB = await storage.user.getSocialAuthForUser(userB)
    expect(ofB.map((s) => `${s.provider}:${s.uid}`)).toEqual(['alpha:a-1'])
    expect(disconnected).toHaveLength(1)
  })
})
