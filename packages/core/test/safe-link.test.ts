import { describe, expect, it } from '@jest/globals'
import { createTestStrategy } from '../src/testing/index.js'
import {
  PENDING_LINK_SESSION_KEY,
  partialStep,
  redirect,
  type PipelineContext,
  type PipelineStep,
  type StepResult,
} from '../src/index.js'
import {
  allUsers,
  complete,
  confirmationFields,
  dummy,
  errorCode,
  location,
  login,
  setup,
} from './helpers.js'

// security.md §4.6 and issue 8 ("safe linking, guided"): an unverified email match never links
// silently and never creates a duplicate account; the user signs in with the existing method.
const PIPELINE = [
  'social_details',
  'social_uid',
  'auth_allowed',
  'social_user',
  'get_username',
  'safe_link_by_email',
  'create_user',
  'associate_user',
  'load_extra_data',
  'user_details',
]
const EXISTING = { id: 1, login: 'foobar', email: 'foo@bar.com' }
const NEW_IDENTITY = { id: 'lax-7', login: 'someone', email: 'FOO@bar.com' }

async function harness(laxVerified = false) {
  return setup(
    { SOCIAL_AUTH_PIPELINE: PIPELINE },
    { backends: [dummy(), dummy({ name: 'lax', emailVerified: laxVerified })] },
  )
}

describe('safe_link_by_email', () => {
  it('pauses an unverified email match, sends the user to sign in, and links after they do', async () => {
    const t = await harness()
    await login(t, { account: EXISTING })
    const owner = t.logins[0]!.user
    const browser = createTestStrategy()

    const paused = await login(t, { backend: 'lax', account: NEW_IDENTITY, strategy: browser })
    expect(location(paused)).toBe('/login?link=lax&reason=email_not_verified')
    expect(t.events.filter((e) => e.name === 'link.refused').map((e) => e.payload)).toEqual([
      { backend: 'lax', reason: 'email_not_verified', uid: 'lax-7' },
    ])
    expect(await allUsers(t.storage)).toHaveLength(1)
    expect(browser.session.get(PENDING_LINK_SESSION_KEY)).toMatchObject({ backend: 'lax' })

    // The user signs in with the existing method in the same browser…
    const signedIn = await login(t, { account: EXISTING, strategy: browser })
    const current = t.logins.at(-1)!.user
    expect(current.id).toBe(owner.id)
    // …is asked to confirm the identity the paused link names (it may not be theirs)…
    const page = signedIn.type === 'html' ? signedIn.html : ''
    expect(page).toContain('Link your lax account?')
    // Readable on a phone, where such links are often opened.
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    // Named by its login at the provider, never by the email that matched this account.
    expect(page).toContain('Link the lax account “someone” to this account')
    expect(page).toContain('lax did not confirm that its email address is yours')
    expect(page).not.toContain('FOO@bar.com')
    expect(page).toContain('action="http://myapp.com/complete/lax/"')
    expect(await t.storage.user.getSocialAuth('lax', 'lax-7')).toBeNull()

    // …and once they do, the paused identity is linked to that account.
    browser.request({ method: 'POST', body: confirmationFields(signedIn) })
    const linked = await complete(t, { backend: 'lax', strategy: browser, user: current })
    expect(location(linked)).toBe('/success')
    const accounts = await t.storage.user.getSocialAuthForUser(owner)
    expect(accounts.map((a) => `${a.provider}:${a.uid}`).sort()).toEqual(['dummy:1', 'lax:lax-7'])
    expect(await allUsers(t.storage)).toHaveLength(1)
    expect(browser.session.get(PENDING_LINK_SESSION_KEY)).toBeUndefined()
  })

  it('links after the existing method’s own sign-in paused and resumed (a second factor, say)', async () => {
    // The existing method asks for a code once per browser, as a second-factor step would.
    const askForCode = partialStep<PipelineContext>(async function askForCode(ctx) {
      if (ctx.request.code === '123456') return undefined
      return redirect(`/code?partial_token=${ctx.current_partial!.token}`)
    })
    const t = await setup(
      {
        SOCIAL_AUTH_LAX_PIPELINE: PIPELINE,
        SOCIAL_AUTH_DUMMY_PIPELINE: [...PIPELINE, askForCode],
      },
      { backends: [dummy(), dummy({ name: 'lax' })] },
    )
    const owner = new URL(location(await login(t, { account: EXISTING })), 'http://myapp.com')
    t.strategy.request({
      method: 'POST',
      body: { partial_token: owner.searchParams.get('partial_token')!, code: '123456' },
    })
    await complete(t)
    const browser = createTestStrategy()
    expect(
      location(await login(t, { backend: 'lax', account: NEW_IDENTITY, strategy: browser })),
    ).toBe('/login?link=lax&reason=email_not_verified')
    // The existing method's sign-in pauses for its code, in the browser that holds the link…
    const asked = new URL(
      location(await login(t, { account: EXISTING, strategy: browser })),
      'http://myapp.com',
    )
    expect(asked.pathname).toBe('/code')
    browser.request({
      method: 'POST',
      body: { partial_token: asked.searchParams.get('partial_token')!, code: '123456' },
    })
    const signedIn = await complete(t, { strategy: browser })
    // …and once it is done, the paused identity is offered, then linked.
    browser.request({ method: 'POST', body: confirmationFields(signedIn) })
    const linked = await complete(t, {
      backend: 'lax',
      strategy: browser,
      user: t.logins.at(-1)!.user,
    })
    expect(location(linked)).toBe('/success')
    expect(String((await t.storage.user.getSocialAuth('lax', 'lax-7'))?.user_id)).toBe(
      String(t.logins[0]!.user.id),
    )
  })

  it('links nothing when the person does not confirm: a link or a forged nonce is refused', async () => {
    const t = await harness()
    await login(t, { account: EXISTING })
    const browser = createTestStrategy()
    const paused = await login(t, { backend: 'lax', account: NEW_IDENTITY, strategy: browser })
    expect(location(paused)).toContain('link=lax')
    const signedIn = await login(t, { account: EXISTING, strategy: browser })
    const current = t.logins.at(-1)!.user
    const fields = confirmationFields(signedIn)
    for (const request of [
      { method: 'GET', query: fields },
      { method: 'POST', body: { ...fields, partial_pipeline_confirm_nonce: 'forged' } },
    ]) {
      browser.request(request)
      const refused = await complete(t, { backend: 'lax', strategy: browser, user: current })
      expect(errorCode(refused)).toBe('ERR_AUTH_PARTIAL_REFUSED')
    }
    expect(await t.storage.user.getSocialAuth('lax', 'lax-7')).toBeNull()
  })

  it('refuses to link when the user signs in to a different account (account_mismatch)', async () => {
    const t = await harness()
    await login(t, { account: EXISTING })
    const browser = createTestStrategy()
    await login(t, { backend: 'lax', account: NEW_IDENTITY, strategy: browser })
    const other = { id: 2, login: 'other', email: 'other@bar.com' }
    const signedIn = await login(t, { account: other, strategy: browser })
    browser.request({ method: 'POST', body: confirmationFields(signedIn) })
    const refused = await complete(t, {
      backend: 'lax',
      strategy: browser,
      user: t.logins.at(-1)!.user,
    })
    expect(errorCode(refused)).toBe('ERR_AUTH_LINK_REFUSED')
    expect(await t.storage.user.getSocialAuth('lax', 'lax-7')).toBeNull()
  })

  it('links at once when the provider vouches for the email', async () => {
    const t = await harness(true)
    await login(t, { account: EXISTING })
    const response = await login(t, {
      backend: 'lax',
      account: NEW_IDENTITY,
      strategy: createTestStrategy(),
    })
    expect(location(response)).toBe('/success')
    expect(String((await t.storage.user.getSocialAuth('lax', 'lax-7'))?.user_id)).toBe(
      String(t.logins[0]!.user.id),
    )
  })

  it('does not let another browser resume the paused link', async () => {
    const t = await harness()
    await login(t, { account: EXISTING })
    const browser = createTestStrategy()
    await login(t, { backend: 'lax', account: NEW_IDENTITY, strategy: browser })
    const token = browser.session.get<{ token: string }>(PENDING_LINK_SESSION_KEY)!.token
    const attacker = createTestStrategy()
    await login(t, { account: { id: 9, login: 'eve', email: 'eve@bar.com' }, strategy: attacker })
    attacker.request({ query: { partial_token: token } })
    const refused = await complete(t, {
      backend: 'lax',
      strategy: attacker,
      user: t.logins.at(-1)!.user,
    })
    expect(errorCode(refused)).toBe('ERR_AUTH_PARTIAL_REFUSED')
    expect(await t.storage.user.getSocialAuth('lax', 'lax-7')).toBeNull()
  })

  it('creates a new account when no existing account has the email', async () => {
    const t = await harness()
    const response = await login(t, { backend: 'lax', account: NEW_IDENTITY })
    expect(location(response)).toBe('/success')
    expect(await allUsers(t.storage)).toHaveLength(1)
  })
})

describe('an email match that is a concurrent first login of the same identity', () => {
  // On PostgreSQL (READ COMMITTED) another first login of this very account can commit its user
  // and association between our social_user and our email lookup. The match is then that
  // login's user: both logins must end signed in to it, not paused or refused as a link.
  const racer = { id: 'racer-1', login: 'racer', email: 'racer@example.com' }
  const concurrentWinner = async (ctx: PipelineContext): Promise<StepResult> => {
    if (ctx.social || ctx.uid !== racer.id) return undefined
    const user = await ctx.storage.user.createUser({ username: 'racer', email: racer.email })
    await ctx.storage.user.createSocialAuth(user, racer.id, ctx.backend.name)
    return undefined
  }
  const withRace = (step: string) => {
    const pipeline: Array<string | PipelineStep> = [...PIPELINE]
    pipeline.splice(pipeline.indexOf('social_user') + 1, 0, concurrentWinner)
    return pipeline.map((entry) => (entry === 'safe_link_by_email' ? step : entry))
  }

  it.each(['safe_link_by_email', 'associate_by_email'])(
    '%s converges on the association the other login created',
    async (step) => {
      const t = await setup({ SOCIAL_AUTH_PIPELINE: withRace(step) })
      const answer = await login(t, { account: racer })
      expect(location(answer)).toBe('/success')
      const signedIn = t.logins.at(-1)!
      expect(signedIn.isNew).toBe(false)
      expect(signedIn.social?.uid).toBe('racer-1')
      expect(await allUsers(t.storage)).toHaveLength(1)
      expect(t.events.filter((e) => e.name === 'link.refused')).toEqual([])
    },
  )
})
