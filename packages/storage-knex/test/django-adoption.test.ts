/**
 * Moving from social-app-django: a database Django made (its `auth_user` and social_django's
 * tables, with rows) is adopted by `migrate(…, { adopt: 'social-app-django' })`, then serves
 * real logins through the engine. Regression test for the PSA-migrant review: `migrate` failed
 * on the existing tables, and without it the first paused pipeline failed on
 * `ON CONFLICT (token)` (Django's token index is not unique).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  DEFAULT_AUTH_PIPELINE,
  createSocialAuth,
  partialStep,
  redirect,
  type CompleteResponse,
  type LoginInfo,
  type PipelineContext,
  type ProviderResponse,
  type SocialAuth,
  type Storage,
} from '@social-auth/core'
import {
  createTestStrategy,
  dummyBackend,
  storageConformanceCases,
} from '@social-auth/core/testing'
import {
  DJANGO_DATA,
  createDjangoDatabase,
} from '../../../migrations/test/support/django-schema.js'
import { MIGRATIONS } from '@social-auth/migrations'
import { DJANGO_AUTH_USER, clearSocial, knexStorage, migrate } from '../src/index.js'
import { countRows, emptyTables, openDatabase, type TestDatabase } from './support/databases.js'

type TestStrategy = ReturnType<typeof createTestStrategy>

/** Pauses new sign-ups until the request carries `terms=yes`. */
const acceptTerms = partialStep<PipelineContext>(async ({ request, is_new, current_partial }) => {
  if (!is_new || request.terms === 'yes') return undefined
  return redirect(`/terms?partial_token=${current_partial!.token}`)
})

// PSA's default pipeline with the pause before create_user.
const PIPELINE = [
  ...DEFAULT_AUTH_PIPELINE.slice(0, 5),
  acceptTerms,
  ...DEFAULT_AUTH_PIPELINE.slice(5),
]

const ACCOUNTS: Record<string, ProviderResponse> = {
  alice: { id: DJANGO_DATA.alice.uid, login: 'alice', access_token: 'node-token' },
  carol: { id: 'carol-uid', login: 'carol', email: 'carol@example.com', name: 'Carol Jones' },
  dave: { id: 'dave-uid', login: 'dave', email: 'dave@example.com' },
}

function engine(storage: Storage): Promise<SocialAuth> {
  return createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: [dummyBackend({ response: (code) => ACCOUNTS[code]! })],
      SOCIAL_AUTH_PIPELINE: PIPELINE,
      LOGIN_REDIRECT_URL: '/done',
      LOGIN_URL: '/login',
    },
    storage,
  })
}

interface Played {
  readonly response: CompleteResponse
  readonly logins: LoginInfo[]
  readonly strategy: TestStrategy
}

/** A browser through begin → provider → complete; errors are thrown. */
async function signIn(social: SocialAuth, account: string): Promise<Played> {
  const strategy = createTestStrategy()
  const started = await social.begin(strategy.request({ method: 'POST', body: {} }), 'dummy')
  if (started.type !== 'redirect') throw new Error(`begin answered ${started.type}`)
  const state = new URL(started.url).searchParams.get('state') ?? ''
  strategy.request({ method: 'GET', query: { code: account, state } })
  return completeAgain(social, strategy)
}

/** `complete` for the browser's current request (a resume). */
async function completeAgain(social: SocialAuth, strategy: TestStrategy): Promise<Played> {
  const logins: LoginInfo[] = []
  const response = await social.complete(strategy, 'dummy', {
    onError: 'throw',
    login: (info) => {
      logins.push(info)
    },
  })
  return { response, logins, strategy }
}

const redirectUrl = (response: CompleteResponse): string =>
  response.type === 'redirect' ? response.url : `(${response.type})`

const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value)

describe.each(['sqlite', 'postgres'] as const)(
  'a social-app-django database taken over on %s',
  (name) => {
    let db: TestDatabase
    let storage: Storage
    let social: SocialAuth
    beforeAll(async () => {
      db = await openDatabase(name)
      await createDjangoDatabase(db.knex)
      expect(
        await migrate(db.knex, { users: DJANGO_AUTH_USER, adopt: 'social-app-django' }),
      ).toEqual(MIGRATIONS.map((m) => m.name))
      storage = knexStorage(db.knex, { users: DJANGO_AUTH_USER, logger: { warn() {} } })
      social = await engine(storage)
    })
    afterAll(() => db.destroy())

    it('logs in a returning user whose account Django linked, and merges the new token into Django’s extra_data', async () => {
      const { response, logins } = await signIn(social, 'alice')
      expect(redirectUrl(response)).toBe('/done')
      expect(logins).toHaveLength(1)
      expect(logins[0]!.user).toMatchObject({ id: DJANGO_DATA.alice.id, username: 'alice' })
      expect(logins[0]!.isNew).toBe(false)
      expect(await countRows(db.knex, 'auth_user')).toBe(2)
      const row = (await db
        .knex('social_auth_usersocialauth')
        .where('uid', DJANGO_DATA.alice.uid)
        .first()) as Record<string, unknown>
      expect(row.user_id).toBe(DJANGO_DATA.alice.id)
      expect(json(row.extra_data)).toEqual({
        ...DJANGO_DATA.alice.extraData,
        access_token: 'node-token',
        auth_time: expect.any(Number),
      })
      expect(
        new Date(
          String(row.modified instanceof Date ? row.modified.toISOString() : row.modified),
        ).getTime(),
      ).toBeGreaterThan(Date.now() - 60_000)
      // Django's password is untouched, so Django's rules still hold for it.
      const alice = (await db
        .knex('auth_user')
        .where('id', DJANGO_DATA.alice.id)
        .first()) as Record<string, unknown>
      expect(alice.password).toBe(DJANGO_DATA.alice.password)
    })

    it('pauses a new sign-up, stores the partial on the adopted table and resumes it into a new auth_user row', async () => {
      const paused = await signIn(social, 'carol')
      const url = new URL(redirectUrl(paused.response), 'http://myapp.com')
      expect(url.pathname).toBe('/terms')
      const token = url.searchParams.get('partial_token')!
      const stored = (await db.knex('social_auth_partial').where('token', token)) as Record<
        string,
        unknown
      >[]
      expect(stored).toHaveLength(1)
      expect(stored[0]!.backend).toBe('dummy')
      expect(paused.logins).toHaveLength(0)

      paused.strategy.request({ query: { partial_token: token, terms: 'yes' } })
      const resumed = await completeAgain(social, paused.strategy)
      expect(redirectUrl(resumed.response)).toBe('/done')
      expect(resumed.logins).toHaveLength(1)
      expect(resumed.logins[0]!.isNew).toBe(true)
      expect(resumed.logins[0]!.user).toMatchObject({
        username: 'carol',
        email: 'carol@example.com',
        first_name: 'Carol',
        last_name: 'Jones',
      })
      expect(await db.knex('social_auth_partial').where('token', token)).toHaveLength(0)
      // Django's own paused pipeline is left alone.
      expect(
        await db.knex('social_auth_partial').where('token', DJANGO_DATA.partialToken),
      ).toHaveLength(1)

      const user = (await db
        .knex('auth_user')
        .where('id', resumed.logins[0]!.user.id)
        .first()) as Record<string, unknown>
      // What Django's create_user would have written.
      expect(user).toMatchObject({
        username: 'carol',
        first_name: 'Carol',
        last_name: 'Jones',
        last_login: null,
      })
      expect(String(user.password)).toMatch(/^![A-Za-z0-9]{40}$/)
      expect(Boolean(user.is_staff)).toBe(false)
      expect(Boolean(user.is_superuser)).toBe(false)
      expect(Boolean(user.is_active)).toBe(true)
      expect(user.date_joined).not.toBeNull()
      const link = (await db
        .knex('social_auth_usersocialauth')
        .where({ provider: 'dummy', uid: 'carol-uid' })
        .first()) as Record<string, unknown>
      expect(link.user_id).toBe(user.id)
    })

    it('signs up a new user with no pause needed on the next login of that account', async () => {
      const first = await signIn(social, 'dave')
      const token = new URL(redirectUrl(first.response), 'http://myapp.com').searchParams.get(
        'partial_token',
      )!
      first.strategy.request({ query: { partial_token: token, terms: 'yes' } })
      const created = await completeAgain(social, first.strategy)
      const again = await signIn(social, 'dave')
      expect(redirectUrl(again.response)).toBe('/done')
      expect(again.logins[0]!.user.id).toBe(created.logins[0]!.user.id)
      expect(again.logins[0]!.isNew).toBe(false)
    })

    it('keeps Django’s disconnect rule: an unusable password needs another login, a real one does not', async () => {
      const alice = (await storage.user.getUser(DJANGO_DATA.alice.id))!
      const admin = (await storage.user.getUser(DJANGO_DATA.admin.id))!
      expect(await storage.user.allowedToDisconnect(alice, 'dummy')).toBe(false)
      expect(await storage.user.allowedToDisconnect(admin, 'github')).toBe(true)
    })

    it('clears Django’s stale codes, partials, nonces and associations with clearsocial', async () => {
      expect(await clearSocial(db.knex, { olderThanDays: 14 })).toEqual({
        codes: 1,
        partials: 1,
        nonces: 1,
        associations: 1,
      })
      expect(
        await db.knex('social_auth_partial').where('token', DJANGO_DATA.partialToken),
      ).toHaveLength(0)
    })
  },
)

describe.each(['sqlite', 'postgres'] as const)(
  'the storage conformance suite on adopted social-app-django tables (%s)',
  (name) => {
    let db: TestDatabase
    beforeAll(async () => {
      db = await openDatabase(name)
      await createDjangoDatabase(db.knex)
      await migrate(db.knex, { users: DJANGO_AUTH_USER, adopt: 'social-app-django' })
    })
    afterAll(() => db.destroy())

    for (const testCase of storageConformanceCases) {
      it(testCase.name, async () => {
        await emptyTables(db.knex, 'auth_user')
        await testCase.run(knexStorage(db.knex, { users: DJANGO_AUTH_USER }))
      })
    }
  },
)
