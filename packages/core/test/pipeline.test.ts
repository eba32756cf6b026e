import { describe, expect, it } from '@jest/globals'
import {
  AuthForbidden,
  createSocialAuth,
  DEFAULT_AUTH_PIPELINE,
  memoryStorage,
  redirect,
  type PipelineContext,
  type PipelineStep,
  type Settings,
} from '../src/index.js'
import { allUsers, codeOf, dummy, location, login, setup, type Harness } from './helpers.js'

const fixtures = new URL('./fixtures/', import.meta.url).href

const create = (settings: Settings) =>
  createSocialAuth({
    settings: { AUTHENTICATION_BACKENDS: [dummy()], ...settings },
    storage: memoryStorage(),
    baseUrl: fixtures,
  })

/** The Osso guide's nine steps as PSA dotted paths (reference/seeds/000_…). */
const OSSO_GUIDE_PIPELINE = [
  'social_core.pipeline.social_auth.social_details',
  'social_core.pipeline.social_auth.social_uid',
  'social_core.pipeline.social_auth.auth_allowed',
  'social_core.pipeline.social_auth.social_user',
  'social_core.pipeline.user.get_username',
  'social_core.pipeline.user.create_user',
  'social_core.pipeline.social_auth.associate_user',
  'social_core.pipeline.social_auth.load_extra_data',
  'social_core.pipeline.user.user_details',
]

/** What a login left behind, without ids and timestamps. */
async function outcome(t: Harness, response: Awaited<ReturnType<typeof login>>) {
  const users = await allUsers(t.storage)
  const socials = await Promise.all(users.map((user) => t.storage.user.getSocialAuthForUser(user)))
  return {
    redirect: location(response),
    users: users.map(({ username, email, first_name, last_name, is_active }) => ({
      username,
      email,
      first_name,
      last_name,
      is_active,
    })),
    socials: socials.flat().map(({ provider, uid, extra_data }) => ({
      provider,
      uid,
      keys: Object.keys(extra_data).sort(),
    })),
    logins: t.logins.map(({ isNew, user }) => ({ isNew, username: user.username })),
    events: t.eventNames(),
  }
}

describe('pipeline engine semantics (psa.md §2.1)', () => {
  it('runs the Osso guide’s nine-step pipeline given as PSA dotted paths exactly like the built-in default', async () => {
    const builtin = await setup()
    const dotted = await setup({ SOCIAL_AUTH_PIPELINE: OSSO_GUIDE_PIPELINE })
    for (const t of [builtin, dotted]) {
      await login(t)
      await login(t)
    }
    const expected = await outcome(builtin, await login(builtin))
    expect(await outcome(dotted, await login(dotted))).toEqual(expected)
    expect(expected.users).toEqual([
      {
        username: 'foobar',
        email: 'foo@bar.com',
        first_name: 'monalisa',
        last_name: 'foobar',
        is_active: true,
      },
    ])
    expect(expected.logins.map((l) => l.isNew)).toEqual([true, false, false])
  })

  it('accepts built-in step names as well as their PSA dotted paths', async () => {
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: OSSO_GUIDE_PIPELINE.map((path) => path.split('.').pop()!),
    })
    expect(location(await login(t))).toBe('/success')
    expect(t.logins).toHaveLength(1)
  })

  it('merges what a step returns into the context, so later steps see and may overwrite it', async () => {
    const seen: unknown[] = []
    const first: PipelineStep = async () => ({
      flavour: 'vanilla',
      details: { username: 'overwritten' },
    })
    const second: PipelineStep = async (ctx) => {
      seen.push(ctx.flavour, ctx.details.username)
    }
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: ['social_details', first, second, ...DEFAULT_AUTH_PIPELINE.slice(1)],
    })
    await login(t)
    expect(seen).toEqual(['vanilla', 'overwritten'])
    expect(t.logins[0]?.user.username).toBe('overwritten')
  })

  it('tracks pipeline_index as the absolute index of the running step', async () => {
    const indexes: number[] = []
    const record: PipelineStep = async (ctx) => {
      indexes.push(ctx.pipeline_index)
    }
    const t = await setup({ SOCIAL_AUTH_PIPELINE: [record, ...DEFAULT_AUTH_PIPELINE, record] })
    await login(t)
    expect(indexes).toEqual([0, DEFAULT_AUTH_PIPELINE.length + 1])
  })

  it('stops the pipeline when a step returns a response and hands that response back', async () => {
    let after = false
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        'social_details',
        'social_uid',
        async () => redirect('/stop'),
        async () => {
          after = true
        },
      ],
    })
    expect(location(await login(t))).toBe('/stop')
    expect(after).toBe(false)
    expect(t.logins).toHaveLength(0)
  })

  it('refuses a step that returns something other than an object, a response or nothing', async () => {
    const t = await setup({ SOCIAL_AUTH_PIPELINE: [async () => 'oops' as never] })
    expect(location(await login(t))).toBe('/login?error=ERR_IMPROPERLY_CONFIGURED&backend=dummy')
  })

  it('keeps services out of a step’s reach: returning `storage` or `backend` does not replace them', async () => {
    const seen: unknown[] = []
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: [
        async () => ({ storage: null, backend: null }),
        async (ctx: PipelineContext) => {
          seen.push(ctx.backend.name, typeof ctx.storage.user.createUser)
        },
      ],
    })
    await login(t)
    expect(seen).toEqual(['dummy', 'function'])
  })
})

describe('custom steps', () => {
  it('runs a function step and a `module#export` step in order; each can add to the context', async () => {
    const trail: PipelineStep = async (ctx) => ({
      trail: [...((ctx.trail as string[] | undefined) ?? []), 'function'],
    })
    let final: unknown
    const check: PipelineStep = async (ctx) => {
      final = ctx.trail
    }
    const t = await setup(
      {
        SOCIAL_AUTH_PIPELINE: [
          'social_details',
          trail,
          './steps.js#markFixture',
          trail,
          ...DEFAULT_AUTH_PIPELINE.slice(1),
          check,
        ],
      },
      { baseUrl: fixtures },
    )
    expect(location(await login(t))).toBe('/success')
    expect(final).toEqual(['function', 'fixture', 'function'])
  })

  it('lets a `module#export` step stop the flow with a response', async () => {
    const t = await setup(
      {
        SOCIAL_AUTH_PIPELINE: [
          'social_details',
          'social_uid',
          './steps.js#stopHere',
          'social_user',
          'create_user',
        ],
      },
      { baseUrl: fixtures },
    )
    expect(location(await login(t))).toBe('/stopped?by=fixture&uid=1')
    expect(await allUsers(t.storage)).toEqual([])
  })

  it('lets a function step stop the flow by throwing a coded error', async () => {
    const companyOnly: PipelineStep = async ({ details }) => {
      if (!details.email?.endsWith('@example.com')) throw new AuthForbidden()
    }
    const t = await setup({
      SOCIAL_AUTH_PIPELINE: ['social_details', companyOnly, ...DEFAULT_AUTH_PIPELINE.slice(1)],
    })
    expect(location(await login(t))).toBe('/login?error=ERR_AUTH_FORBIDDEN&backend=dummy')
    expect(await allUsers(t.storage)).toEqual([])
  })
})

describe('pipeline configuration is checked in createSocialAuth', () => {
  it.each([
    ['an unknown built-in name', 'social_detail'],
    ['an unknown PSA dotted path', 'social_core.pipeline.social_auth.nope'],
    ['a PSA dotted path in the wrong module', 'social_core.pipeline.user.social_uid'],
    ['a missing module', './missing.js#step'],
    ['a missing export', './steps.js#missing'],
    ['an export that is not a function', './steps.js#notAStep'],
    ['a disconnect step in the auth pipeline', 'disconnect'],
  ])('fails with ERR_UNKNOWN_PIPELINE_STEP naming %s', async (_label, entry) => {
    const err = await create({ SOCIAL_AUTH_PIPELINE: ['social_details', entry] }).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ code: 'ERR_UNKNOWN_PIPELINE_STEP', step: entry })
    expect((err as Error).message).toBe(`Unknown pipeline step "${entry}" in SOCIAL_AUTH_PIPELINE`)
  })

  it('names the per-backend setting that holds the unknown step', async () => {
    const err = await create({ SOCIAL_AUTH_DUMMY_PIPELINE: ['nope'] }).catch((e: unknown) => e)
    expect((err as Error).message).toBe(
      'Unknown pipeline step "nope" in SOCIAL_AUTH_DUMMY_PIPELINE',
    )
  })

  it('fails for an unknown disconnect step, and for an auth step in the disconnect pipeline', async () => {
    expect(
      await codeOf(
        create({ SOCIAL_AUTH_DISCONNECT_PIPELINE: ['allowed_to_disconnect', 'unlink'] }),
      ),
    ).toBe('ERR_UNKNOWN_PIPELINE_STEP')
    expect(await codeOf(create({ SOCIAL_AUTH_DISCONNECT_PIPELINE: ['create_user'] }))).toBe(
      'ERR_UNKNOWN_PIPELINE_STEP',
    )
  })

  it('checks the global pipeline even when no backend is configured yet', async () => {
    const code = await codeOf(
      createSocialAuth({ settings: { SOCIAL_AUTH_PIPELINE: ['nope'] }, storage: memoryStorage() }),
    )
    expect(code).toBe('ERR_UNKNOWN_PIPELINE_STEP')
  })
})

describe('per-backend pipelines', () => {
  it('runs SOCIAL_AUTH_<BACKEND>_PIPELINE for that backend and the global pipeline for the others', async () => {
    const ran: string[] = []
    const mark =
      (label: string): PipelineStep =>
      async () => {
        ran.push(label)
      }
    const t = await setup(
      {
        SOCIAL_AUTH_PIPELINE: [...DEFAULT_AUTH_PIPELINE, mark('global')],
        SOCIAL_AUTH_SPECIAL_PIPELINE: [...DEFAULT_AUTH_PIPELINE, mark('special')],
      },
      { backends: [dummy(), dummy({ name: 'special' })] },
    )
    await login(t, { backend: 'special' })
    await login(t, { backend: 'dummy', account: { id: 2, login: 'other' } })
    expect(ran).toEqual(['special', 'global'])
  })
})
