import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_AUTH_PIPELINE,
  html,
  type JsonObject,
  type PipelineContext,
  type PipelineStep,
  type StepResult,
} from '../src/index.js'
import { deferExtraDataWrites } from '../src/pipeline/deferred-extra-data.js'
import { memoryStorage } from '../src/storage/memory.js'
import { login, patchedStorage, setup } from './helpers.js'

/** A memory storage that records every `setExtraData` that reaches it. */
function countingStorage() {
  const writes: JsonObject[] = []
  const storage = patchedStorage((inner) => ({
    setExtraData: (social, data) => {
      writes.push(data)
      return inner.user.setExtraData(social, data)
    },
  }))
  return { storage, writes }
}

/** An app's own step, after load_extra_data, recording the sign-in (the example app's kind). */
const rememberSignIn: PipelineStep = async (ctx: PipelineContext): Promise<StepResult> => {
  if (ctx.social) await ctx.storage.user.setExtraData(ctx.social, { last_login: 'today' })
  // What a later step reads back through the storage holds the pending values.
  const again =
    ctx.social && (await ctx.storage.user.getSocialAuth(ctx.social.provider, ctx.social.uid))
  return { seen: again?.extra_data.last_login ?? null }
}

const pipelineWith = (...steps: PipelineStep[]) => [...DEFAULT_AUTH_PIPELINE, ...steps]

describe('extra_data written once per login, however many steps set it', () => {
  it('merges load_extra_data and a custom step into one write, readable before it lands', async () => {
    const { storage, writes } = countingStorage()
    let seen: unknown
    const check: PipelineStep = (ctx) => {
      seen = ctx.seen
      return undefined
    }
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: pipelineWith(rememberSignIn, check) },
      { storage },
    )
    await login(t)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatchObject({ last_login: 'today' })
    expect(seen).toBe('today')
    const stored = await storage.user.getSocialAuth('dummy', '1')
    expect(stored?.extra_data).toMatchObject({ last_login: 'today' })
    expect(stored?.extra_data.auth_time).toEqual(expect.any(Number))
  })

  it('writes nothing when the pipeline fails after the values were set', async () => {
    const { storage, writes } = countingStorage()
    const fail: PipelineStep = () => {
      throw new Error('a later step fails')
    }
    const t = await setup({ SOCIAL_AUTH_PIPELINE: pipelineWith(rememberSignIn, fail) }, { storage })
    await expect(login(t)).rejects.toThrow('a later step fails')
    expect(writes).toEqual([])
    expect(await storage.user.getSocialAuth('dummy', '1')).toBeNull()
  })

  it('writes before the pipeline pauses, so the resumed login finds the values', async () => {
    const { storage, writes } = countingStorage()
    const pause: PipelineStep = (ctx) => (ctx.request.confirmed ? undefined : html('confirm?'))
    const t = await setup(
      { SOCIAL_AUTH_PIPELINE: pipelineWith(rememberSignIn, pause) },
      { storage },
    )
    const paused = await login(t)
    expect(paused).toMatchObject({ type: 'html' })
    expect(writes).toHaveLength(1)
    expect((await storage.user.getSocialAuth('dummy', '1'))?.extra_data.last_login).toBe('today')
  })

  it('keeps the other store members, and writes nothing for a value that is already there', async () => {
    const inner = memoryStorage()
    const user = await inner.user.createUser({ username: 'ann', email: 'ann@example.com' })
    const social = await inner.user.createSocialAuth(user, 'ann-1', 'dummy')
    await inner.user.setExtraData(social, { a: 1 })
    const deferred = deferExtraDataWrites(inner)
    expect(deferred.storage.isIntegrityError(new Error('x'))).toBe(false)
    expect(await deferred.storage.user.getUser(user.id)).toMatchObject({ username: 'ann' })
    expect(await deferred.storage.user.setExtraData(social, { a: 1 })).toBe(false)
    expect(await deferred.storage.user.setExtraData(social, { b: 2 })).toBe(true)
    expect(await deferred.storage.user.setExtraData(social, { c: 3 })).toBe(true)
    expect((await inner.user.getSocialAuth('dummy', 'ann-1'))?.extra_data).toEqual({ a: 1 })
    const [listed] = await deferred.storage.user.getSocialAuthForUser(user)
    expect(listed?.extra_data).toEqual({ a: 1, b: 2, c: 3 })
    await deferred.flush()
    expect((await inner.user.getSocialAuth('dummy', 'ann-1'))?.extra_data).toEqual({
      a: 1,
      b: 2,
      c: 3,
    })
    expect(social.extra_data).toEqual({ a: 1, b: 2, c: 3 })
  })

  it('drops the pending values of an association the pipeline disconnects', async () => {
    const inner = memoryStorage()
    const user = await inner.user.createUser({ username: 'bob' })
    const social = await inner.user.createSocialAuth(user, 'bob-1', 'dummy')
    const deferred = deferExtraDataWrites(inner)
    await deferred.storage.user.setExtraData(social, { b: 2 })
    await deferred.storage.user.disconnect(social)
    await deferred.flush()
    expect(await inner.user.getSocialAuth('dummy', 'bob-1')).toBeNull()
  })
})
