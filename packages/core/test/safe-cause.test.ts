import { describe, expect, it } from '@jest/globals'
import { AuthTokenError, type PipelineContext } from '../src/index.js'
import { login, setup } from './helpers.js'

// security.md §5.5 and issue 8 ("secrets never leak"): event payloads are safe to forward to
// logs and analytics, including the error of `auth.failed`, whose cause may come from an HTTP
// or JOSE library that keeps the refused claims, the expected nonce or a response body.
describe('the auth.failed event', () => {
  it('carries the coded error with its cause reduced to names, messages and codes', async () => {
    const data = { expected: 'nonce-4f9a1c', claims: { email: 'person@example.com' } }
    const library = Object.assign(new Error('unexpected "nonce" claim value'), {
      name: 'ClientError',
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      claims: data.claims,
      cause: data,
    })
    const refuse = async (_ctx: PipelineContext) => {
      throw new AuthTokenError('Incorrect id_token: nonce', { backend: 'dummy', cause: library })
    }
    const t = await setup({ SOCIAL_AUTH_PIPELINE: ['social_details', 'social_uid', refuse] })
    await login(t)

    const failed = t.events.find((event) => event.name === 'auth.failed')
    if (failed?.name !== 'auth.failed') throw new Error('no auth.failed event')
    const error = failed.payload.error
    expect(error).toBeInstanceOf(AuthTokenError)
    expect(error).toMatchObject({ code: 'ERR_AUTH_TOKEN', backend: 'dummy', status: 401 })
    expect(error.message).toBe('Token error: Incorrect id_token: nonce')
    const cause = error.cause as Error & { code?: string; claims?: unknown; cause?: unknown }
    expect(cause).toBeInstanceOf(Error)
    expect({ name: cause.name, message: cause.message, code: cause.code }).toEqual({
      name: 'ClientError',
      message: 'unexpected "nonce" claim value',
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
    })
    expect(cause.claims).toBeUndefined()
    expect(cause.cause).toBeUndefined()
    expect(JSON.stringify(failed.payload)).not.toContain('nonce-4f9a1c')
    // The error the app catches itself (RAISE_EXCEPTIONS, onError: 'throw') is left whole.
    expect(library.cause).toBe(data)
  })
})
