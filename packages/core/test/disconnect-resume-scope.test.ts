/**
 * A paused disconnect of every alpha association, resumed through /disconnect/alpha/<id>: the
 * `disconnect` step checks for that one id, so it must delete no more than that one.
 */
import { describe, expect, it } from '@jest/globals'
import {
  allowedToDisconnect,
  createSocialAuth,
  disconnect as disconnectStep,
  getEntries,
  memoryStorage,
  partialStep,
  redirect,
  revokeTokens,
  type DisconnectContext,
} from '../src/index.js'
import { createTestStrategy, dummyBackend } from '../src/testing/index.js'

describe('a resumed disconnect', () => {
  it('never removes the last login method', async () => {
    const storage = memoryStorage()
    // An app's confirmation page ("unlink these 2 alpha accounts?"), after get_entries.
    const confirm = partialStep<DisconnectContext>(async function confirm(ctx) {
      return ctx.strategy.session.get('confirmed') ? undefined : redirect('/confirm-unlink')
    })
    const social = await createSocialAuth({
      settings: {
        AUTHENTICATION_BACKENDS: [dummyBackend({ name: 'alpha' }), dummyBackend({ name: 'beta' })],
        DISCONNECT_PIPELINE: [
          allowedToDisconnect,
          getEntries,
          confirm,
          revokeTokens,
          disconnectStep,
        ],
        LOGIN_REDIRECT_URL: '/done',
        LOGIN_URL: '/login',
      },
      storage,
    })
    const user = await storage.user.createUser({ username: 'u', email: '' })
    const a1 = await storage.user.createSocialAuth(user, 'a-1', 'alpha')
    await storage.user.createSocialAuth(user, 'a-2', 'alpha')
    await storage.user.createSocialAuth(user, 'b-1', 'beta')
    const browser = createTestStrategy()
    const post = (backend: string, associationId?: string | number) =>
      social.disconnect(browser.request({ method: 'POST', body: {} }), backend, {
        user,
        associationId,
        onError: 'throw',
      })

    // POST /disconnect/alpha: allowed (beta remains), pauses on the confirmation page.
    expect(await post('alpha')).toMatchObject({ type: 'redirect', url: '/confirm-unlink' })
    browser.session.set('confirmed', true)
    // POST /disconnect/beta (another tab): allowed, two alpha associations remain.
    expect(await post('beta')).toMatchObject({ type: 'redirect' })
    expect((await storage.user.getSocialAuthForUser(user)).map((s) => s.uid)).toEqual([
      'a-1',
      'a-2',
    ])
    // The confirmation form of the paused alpha disconnect posts to /disconnect/alpha/<a-1's id>.
    const outcome = await post('alpha', a1.id).then(
      () => 'disconnected',
      (err: unknown) => (err as { code?: string }).code,
    )

    const left = await storage.user.getSocialAuthForUser(user)
    expect({ outcome, left: left.length }).not.toEqual({ outcome: 'disconnected', left: 0 })
  })
})
