import { describe, expect, it } from '@jest/globals'
import {
  createSocialAuth,
  DEFAULT_AUTH_PIPELINE,
  memoryStorage,
  mailValidation,
  RESERVED_CODE_PREFIX,
  type EmailValidationRequest,
  type Settings,
} from '../src/index.js'
import { createTestStrategy } from '../src/testing/index.js'
import { validateEmail } from '../src/email-validation.js'
import {
  codeOf,
  complete,
  confirmationFields,
  dummy,
  findUser,
  location,
  login,
  setup,
} from './helpers.js'

const fixtures = new URL('./fixtures/', import.meta.url).href

/** PSA's position: after get_username, before create_user. */
const MAIL_PIPELINE = [
  ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
  mailValidation,
  ...DEFAULT_AUTH_PIPELINE.slice(5),
]

function mailer() {
  const sent: EmailValidationRequest[] = []
  return { sent, send: (request: EmailValidationRequest) => void sent.push(request) }
}

async function mailSetup(settings: Settings = {}, requiresEmailValidation = true) {
  const { sent, send } = mailer()
  const t = await setup(
    {
      SOCIAL_AUTH_PIPELINE: MAIL_PIPELINE,
      EMAIL_VALIDATION_FUNCTION: send,
      EMAIL_VALIDATION_URL: '/validate',
      ...settings,
    },
    { backends: [dummy({ requiresEmailValidation })] },
  )
  return { t, sent }
}

/** The hidden fields of the external-resume confirmation page. */

describe('mail_validation (PSA behaviour 58, psa.md §2.4)', () => {
  it('mails a code with the partial token, redirects to EMAIL_VALIDATION_URL and stores an external-resume partial (58)', async () => {
    const { t, sent } = await mailSetup()
    expect(location(await login(t))).toBe('/validate')
    expect(sent).toHaveLength(1)
    const [request] = sent
    const token = t.strategy.session.get<string>('partial_pipeline_token')!
    expect(request).toMatchObject({
      partialToken: token,
      code: { email: 'foo@bar.com', verified: false },
    })
    expect(request!.backend.name).toBe('dummy')
    expect((await t.storage.partial.load(token))?.data.allow_external_resume).toBe(true)
    expect(t.strategy.session.get('email_validation_address')).toBe('foo@bar.com')
    expect(await findUser(t.storage, 'foobar')).toBeNull()
  })

  it('resumes from the mailed link after the confirmation, verifies the code and creates the user (58)', async () => {
    const { t, sent } = await mailSetup()
    await login(t)
    const { code, partialToken } = sent[0]!
    // The link opened in another browser: confirmation first (PSA 5.0.1).
    const browser = createTestStrategy().request({
      query: { verification_code: code.code, partial_token: partialToken },
    })
    const fields = confirmationFields(await complete(t, { strategy: browser }))
    browser.request({ method: 'POST', body: fields })
    expect(location(await complete(t, { strategy: browser }))).toBe('/success')
    expect(t.logins.map((l) => [l.user.username, l.isNew])).toEqual([['foobar', true]])
    expect((await t.storage.code.getCode(code.code))?.verified).toBe(true)
    expect(await t.storage.partial.load(partialToken)).toBeNull()
  })

  it('needs the confirmation in the browser that started the login too (53, PSA 5.0.1)', async () => {
    const { t, sent } = await mailSetup()
    await login(t)
    const { code, partialToken } = sent[0]!
    t.strategy.request({ query: { verification_code: code.code, partial_token: partialToken } })
    const page = await complete(t)
    expect(page.type).toBe('html')
    t.strategy.request({ method: 'POST', body: confirmationFields(page) })
    expect(location(await complete(t))).toBe('/success')
    expect(t.strategy.session.get('email_validation_address')).toBeUndefined()
  })

  it('refuses a code that was already used', async () => {
    const { t, sent } = await mailSetup()
    await login(t)
    const used = sent[0]!
    t.strategy.request({
      query: { verification_code: used.code.code, partial_token: used.partialToken },
    })
    t.strategy.request({ method: 'POST', body: confirmationFields(await complete(t)) })
    expect(location(await complete(t))).toBe('/success')

    await login(t, { account: { id: 2, login: 'second', email: 'foo@bar.com' } })
    const fresh = sent[1]!
    t.strategy.request({
      query: { verification_code: used.code.code, partial_token: fresh.partialToken },
    })
    t.strategy.request({ method: 'POST', body: confirmationFields(await complete(t)) })
    expect(await codeOf(complete(t, { onError: 'throw' }))).toBe('ERR_INVALID_EMAIL')
  })

  it('fails with ERR_INVALID_EMAIL for a wrong code and keeps the partial for another try', async () => {
    const { t, sent } = await mailSetup()
    await login(t)
    const { partialToken } = sent[0]!
    t.strategy.request({ query: { verification_code: 'wrong', partial_token: partialToken } })
    t.strategy.request({ method: 'POST', body: confirmationFields(await complete(t)) })
    const err = await complete(t, { onError: 'throw' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_INVALID_EMAIL', message: "Email couldn't be validated" })
    expect(await findUser(t.storage, 'foobar')).toBeNull()
    expect(await t.storage.partial.load(partialToken)).not.toBeNull()
  })

  it('mails no code to an address in the namespace of other one-time codes (audit: a CLI code smuggled in an email)', async () => {
    const { t, sent } = await mailSetup()
    for (const email of [
      `${RESERVED_CODE_PREFIX}native-client:MQ|${'a'.repeat(43)}|${'b'.repeat(22)}`,
      'URN:SOCIAL-AUTH:anything|@evil.example',
    ]) {
      const account = { id: 7, login: 'mallory', email }
      expect(await codeOf(login(t, { account, onError: 'throw' }))).toBe('ERR_INVALID_EMAIL')
    }
    expect(sent).toHaveLength(0)
  })

  it('never validates an address with a code of another kind, and leaves that code unspent', async () => {
    const storage = memoryStorage()
    const other = await storage.code.makeCode(`${RESERVED_CODE_PREFIX}native-client:MQ|x|y`)
    expect(await validateEmail(storage, other.email, other.code)).toBe(false)
    expect((await storage.code.getCode(other.code))?.verified).toBe(false)
    const mailed = await storage.code.makeCode('foo@bar.com')
    expect(await validateEmail(storage, 'foo@bar.com', mailed.code)).toBe(true)
  })

  it('refuses a storage whose code.verify does not say true or false (a port of PSA’s, which returns nothing)', async () => {
    for (const answer of [undefined, 1]) {
      const storage = memoryStorage()
      const mailed = await storage.code.makeCode('foo@bar.com')
      const ported = {
        ...storage,
        code: { ...storage.code, verify: async () => answer as unknown as boolean },
      }
      const err = await validateEmail(ported, 'foo@bar.com', mailed.code).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED' })
      expect((err as Error).message).toMatch(
        /^CodeStorage\.verify returned (undefined|number), not a boolean/,
      )
    }
  })

  it('mails only new users, unless PASSWORDLESS', async () => {
    const { t, sent } = await mailSetup()
    const owner = await t.storage.user.createUser({ username: 'foobar', email: 'foo@bar.com' })
    await t.storage.user.createSocialAuth(owner, '1', 'dummy')
    expect(location(await login(t))).toBe('/success')
    expect(sent).toHaveLength(0)
    const passwordless = await mailSetup({ SOCIAL_AUTH_PASSWORDLESS: true })
    const again = await passwordless.t.storage.user.createUser({
      username: 'foobar',
      email: 'foo@bar.com',
    })
    await passwordless.t.storage.user.createSocialAuth(again, '1', 'dummy')
    expect(location(await login(passwordless.t))).toBe('/validate')
  })

  it('applies to every backend with FORCE_EMAIL_VALIDATION, and to none without it or REQUIRES_EMAIL_VALIDATION', async () => {
    const off = await mailSetup({}, false)
    expect(location(await login(off.t))).toBe('/success')
    expect(off.sent).toHaveLength(0)
    const forced = await mailSetup({ SOCIAL_AUTH_FORCE_EMAIL_VALIDATION: true }, false)
    expect(location(await login(forced.t))).toBe('/validate')
  })

  it('sends nothing when the provider gives no email', async () => {
    const { t, sent } = await mailSetup()
    expect(location(await login(t, { account: { id: 1, login: 'foobar' } }))).toBe('/success')
    expect(sent).toHaveLength(0)
  })

  it('loads EMAIL_VALIDATION_FUNCTION from a `module#export` specifier', async () => {
    const t = await setup(
      {
        SOCIAL_AUTH_PIPELINE: MAIL_PIPELINE,
        EMAIL_VALIDATION_FUNCTION: './steps.js#sendValidation',
        EMAIL_VALIDATION_URL: '/validate',
      },
      { backends: [dummy({ requiresEmailValidation: true })], baseUrl: fixtures },
    )
    const { sent } = await import('./fixtures/steps.js')
    const before = sent.length
    await login(t)
    expect(sent.length).toBe(before + 1)
  })

  it.each(['EMAIL_VALIDATION_FUNCTION', 'EMAIL_VALIDATION_URL'])(
    'fails createSocialAuth with ERR_IMPROPERLY_CONFIGURED when mail_validation will mail but %s is missing (PSA behaviour 70 at start-up)',
    async (missing) => {
      const settings: Record<string, unknown> = {
        AUTHENTICATION_BACKENDS: [dummy({ requiresEmailValidation: true })],
        SOCIAL_AUTH_PIPELINE: MAIL_PIPELINE,
        EMAIL_VALIDATION_FUNCTION: () => {},
        EMAIL_VALIDATION_URL: '/validate',
      }
      delete settings[missing]
      const err = await createSocialAuth({ settings, storage: memoryStorage() }).catch(
        (e: unknown) => e,
      )
      expect(err).toMatchObject({ code: 'ERR_IMPROPERLY_CONFIGURED' })
      expect((err as Error).message).toContain(missing)
    },
  )

  it('starts without a mailer when no backend needs email validation', async () => {
    const social = await createSocialAuth({
      settings: { AUTHENTICATION_BACKENDS: [dummy()], SOCIAL_AUTH_PIPELINE: MAIL_PIPELINE },
      storage: memoryStorage(),
    })
    expect(social.backends.has('dummy')).toBe(true)
  })
})
