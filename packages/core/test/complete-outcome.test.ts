import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_AUTH_PIPELINE,
  partialStep,
  redirect,
  type CompleteOutcome,
  type PipelineContext,
  type PipelineStep,
} from '../src/index.js'
import { createTestStrategy } from '../src/testing/index.js'
import { complete, location, login, setup } from './helpers.js'

/** Pauses new sign-ups until the request carries `terms=yes`. */
function acceptTerms(options: { saveToSession?: boolean; allowExternalResume?: boolean } = {}) {
  return partialStep<PipelineContext>(async function acceptTerms({ request, current_partial }) {
    if (request.terms === 'yes') return undefined
    return redirect(`/terms?partial_token=${current_partial!.token}`)
  }, options)
}

/** The default pipeline with `step` before `create_user` (after `social_user` set PSA's flags). */
const withStep = (step: PipelineStep): PipelineStep[] => [
  ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
  step,
  ...DEFAULT_AUTH_PIPELINE.slice(5),
]

const tokenIn = (url: string) =>
  new URL(url, 'http://myapp.com').searchParams.get('partial_token') ?? undefined

function finished(outcome: CompleteOutcome) {
  if (outcome.kind !== 'login' && outcome.kind !== 'link' && outcome.kind !== 'inactive')
    throw new Error(`expected a finished pipeline, got ${outcome.kind}`)
  return {
    kind: outcome.kind,
    username: outcome.user.username,
    social: outcome.social && `${outcome.social.provider}:${outcome.social.uid}`,
    isNew: outcome.isNew,
    newAssociation: outcome.newAssociation,
  }
}

describe('what complete reports besides its response (its outcome)', () => {
  it('reports a first login as a login of a new user with a new association', async () => {
    const t = await setup()
    const response = await login(t)
    expect(response).toMatchObject({ type: 'redirect', url: '/success' })
    expect(finished(response.outcome)).toEqual({
      kind: 'login',
      username: 'foobar',
      social: 'dummy:1',
      isNew: true,
      newAssociation: true,
    })
  })

  it('reports a second login of the same account with neither a new user nor a new association', async () => {
    const t = await setup()
    await login(t)
    expect(finished((await login(t, { strategy: createTestStrategy() })).outcome)).toEqual({
      kind: 'login',
      username: 'foobar',
      social: 'dummy:1',
      isNew: false,
      newAssociation: false,
    })
  })

  it('reports an account linked to the signed-in user as a link with a new association', async () => {
    const t = await setup()
    const owner = await t.storage.user.createUser({ username: 'owner' })
    expect(finished((await login(t, { user: owner })).outcome)).toEqual({
      kind: 'link',
      username: 'owner',
      social: 'dummy:1',
      isNew: false,
      newAssociation: true,
    })
    expect(t.logins).toHaveLength(0)
  })

  it('reports an account the signed-in user had linked already as a link without a new association', async () => {
    const t = await setup()
    const owner = await t.storage.user.createUser({ username: 'owner' })
    await login(t, { user: owner })
    expect(finished((await login(t, { user: owner })).outcome)).toMatchObject({
      kind: 'link',
      social: 'dummy:1',
      newAssociation: false,
    })
  })

  it('does not call an association new when the pipeline never created one (no associate_user)', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: DEFAULT_AUTH_PIPELINE.filter((step) => step.name !== 'associateUser'),
    })
    const owner = await t.storage.user.createUser({ username: 'owner' })
    expect(finished((await login(t, { user: owner })).outcome)).toMatchObject({
      kind: 'link',
      social: null,
      newAssociation: false,
    })
  })

  it('reports an inactive user who was not logged in', async () => {
    const t = await setup({ INACTIVE_USER_URL: '/inactive' })
    const sleepy = await t.storage.user.createUser({ username: 'foobar', is_active: false })
    await t.storage.user.createSocialAuth(sleepy, '1', 'dummy')
    expect(finished((await login(t)).outcome)).toMatchObject({
      kind: 'inactive',
      username: 'foobar',
      newAssociation: false,
    })
  })

  it('reports a pause with the step that paused and the stored partial’s token', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: withStep(acceptTerms()) })
    const paused = await login(t)
    expect(paused.outcome).toEqual({
      kind: 'paused',
      step: 5,
      stepName: 'acceptTerms',
      partialToken: tokenIn(location(paused)),
    })
    expect(t.logins).toHaveLength(0)
  })

  it('reports the token of a pause that is not kept in the session (saveToSession false)', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: withStep(
        acceptTerms({ saveToSession: false, allowExternalResume: true }),
      ),
    })
    const owner = await t.storage.user.createUser({ username: 'owner' })
    const paused = await login(t, { user: owner })
    expect(t.strategy.session.get('partial_pipeline_token')).toBeUndefined()
    expect(paused.outcome).toMatchObject({
      kind: 'paused',
      partialToken: tokenIn(location(paused)),
    })
    const token = (paused.outcome as { partialToken: string }).partialToken
    expect(await t.storage.partial.load(token)).not.toBeNull()
  })

  it('reports a response from a step that is not a partial step as a pause that cannot resume', async () => {
    const stop: PipelineStep = async function stop() {
      return redirect('/stopped')
    }
    const t = await setup({ SOCIAL_AUTH_PIPELINE: withStep(stop) })
    expect((await login(t)).outcome).toEqual({
      kind: 'paused',
      step: 5,
      stepName: 'stop',
      partialToken: undefined,
    })
  })

  it('keeps is_new and new_association across a pause and its resume', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: withStep(acceptTerms()) })
    const owner = await t.storage.user.createUser({ username: 'owner' })
    const paused = await login(t, { user: owner })
    expect(paused.outcome.kind).toBe('paused')
    const token = tokenIn(location(paused))!
    t.strategy.request({ query: { partial_token: token, terms: 'yes' } })
    expect(finished((await complete(t, { user: owner })).outcome)).toEqual({
      kind: 'link',
      username: 'owner',
      social: 'dummy:1',
      isNew: false,
      newAssociation: true,
    })
  })

  it('reports the page asking to confirm an external resume', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: withStep(acceptTerms({ allowExternalResume: true })),
    })
    const token = tokenIn(location(await login(t)))!
    const other = createTestStrategy().request({ query: { partial_token: token } })
    const page = await complete(t, { strategy: other })
    expect(page.type).toBe('html')
    expect(page.outcome).toEqual({ kind: 'confirm-resume' })
  })

  it('reports a coded error turned into the error redirect', async () => {
    const t = await setup()
    await login(t)
    const other = await t.storage.user.createUser({ username: 'other' })
    const refused = await login(t, { user: other })
    expect(refused).toMatchObject({
      type: 'redirect',
      url: '/login?error=ERR_AUTH_ALREADY_ASSOCIATED&backend=dummy',
    })
    expect(refused.outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'ERR_AUTH_ALREADY_ASSOCIATED' },
    })
  })
})
