import assert from 'node:assert/strict'
import type { PartialRecord, Storage, User } from '../storage/types.js'

/** One conformance case: a sentence and a check run on a fresh, empty storage. */
export interface ConformanceCase {
  readonly name: string
  readonly run: (storage: Storage) => Promise<void>
}

const newUser = (
  storage: Storage,
  username: string,
  extra: Record<string, unknown> = {},
): Promise<User> =>
  storage.user.createUser({ username, email: `${username}@example.com`, ...extra })

async function rejectsWithIntegrityError(
  storage: Storage,
  work: () => Promise<unknown>,
): Promise<void> {
  let thrown: unknown
  try {
    await work()
  } catch (err) {
    thrown = err
  }
  assert.ok(thrown, 'expected a unique-constraint error')
  assert.equal(
    storage.isIntegrityError(thrown),
    true,
    `not an integrity error: ${thrown instanceof Error ? thrown.message : JSON.stringify(thrown)}`,
  )
}

/**
 * The storage conformance suite: every `Storage` (memory, knex on SQLite, knex on PostgreSQL)
 * runs these cases unchanged. It is framework-free: loop over the cases in any test runner.
 *
 * @example
 * ```ts
 * for (const c of storageConformanceCases) it(c.name, async () => c.run(await freshStorage()))
 * ```
 */
export const storageConformanceCases: readonly ConformanceCase[] = [
  {
    name: 'creates an active user and reads it back by id',
    async run(storage) {
      const created = await newUser(storage, 'alice', { first_name: 'Alice' })
      assert.equal(created.username, 'alice')
      assert.equal(created.is_active, true)
      const read = await storage.user.getUser(created.id)
      assert.equal(read?.username, 'alice')
      assert.equal(read?.email, 'alice@example.com')
      assert.equal(read?.first_name, 'Alice')
      assert.equal(storage.user.getUsername(read), 'alice')
    },
  },
  {
    name: 'hides inactive users from getUser but not from getUserAnyState',
    async run(storage) {
      const created = await newUser(storage, 'sleepy', { is_active: false })
      assert.equal(await storage.user.getUser(created.id), null)
      assert.equal((await storage.user.getUserAnyState(created.id))?.username, 'sleepy')
    },
  },
  {
    name: 'returns null for an unknown user id',
    async run(storage) {
      assert.equal(await storage.user.getUser(987654), null)
    },
  },
  {
    name: 'tells whether a username is taken',
    async run(storage) {
      await newUser(storage, 'taken')
      assert.equal(await storage.user.userExists({ username: 'taken' }), true)
      assert.equal(await storage.user.userExists({ username: 'free' }), false)
    },
  },
  {
    name: 'rejects a second user with the same username as an integrity error',
    async run(storage) {
      await newUser(storage, 'twin')
      await rejectsWithIntegrityError(storage, () => newUser(storage, 'twin'))
    },
  },
  {
    name: 'finds active users by email case-insensitively',
    async run(storage) {
      await newUser(storage, 'mixed', { email: 'Mixed.Case@Example.com' })
      await newUser(storage, 'gone', { email: 'mixed.case@example.com', is_active: false })
      const found = await storage.user.getUsersByEmail('mixed.CASE@example.COM')
      assert.deepEqual(
        found.map((u) => u.username),
        ['mixed'],
      )
    },
  },
  {
    name: 'saves changed user fields',
    async run(storage) {
      const created = await newUser(storage, 'editor')
      const updated = await storage.user.updateUser(created, {
        first_name: 'Ed',
        last_name: 'Itor',
      })
      assert.equal(updated.first_name, 'Ed')
      const read = await storage.user.getUser(created.id)
      assert.equal(read?.last_name, 'Itor')
      assert.equal(read?.username, 'editor')
    },
  },
  {
    name: 'reports a positive username length limit',
    async run(storage) {
      assert.ok(storage.user.usernameMaxLength() >= 30)
    },
  },
  {
    name: 'links an account and finds it by provider and uid',
    async run(storage) {
      const owner = await newUser(storage, 'linker')
      const social = await storage.user.createSocialAuth(owner, 'abc-123', 'osso')
      assert.equal(social.provider, 'osso')
      assert.equal(social.uid, 'abc-123')
      assert.equal(String(social.user_id), String(owner.id))
      assert.deepEqual(social.extra_data, {})
      const found = await storage.user.getSocialAuth('osso', 'abc-123')
      assert.equal(String(found?.id), String(social.id))
      assert.equal(await storage.user.getSocialAuth('osso', 'other'), null)
      assert.equal(await storage.user.getSocialAuth('github', 'abc-123'), null)
    },
  },
  {
    name: 'compares uids case-sensitively',
    async run(storage) {
      const first = await newUser(storage, 'upper')
      const second = await newUser(storage, 'lower')
      await storage.user.createSocialAuth(first, 'AbC', 'github')
      await storage.user.createSocialAuth(second, 'abc', 'github')
      assert.equal(
        String((await storage.user.getSocialAuth('github', 'AbC'))?.user_id),
        String(first.id),
      )
      assert.equal(
        String((await storage.user.getSocialAuth('github', 'abc'))?.user_id),
        String(second.id),
      )
      assert.equal(await storage.user.getSocialAuth('github', 'ABC'), null)
    },
  },
  {
    name: 'rejects a second link of the same provider and uid as an integrity error',
    async run(storage) {
      const first = await newUser(storage, 'first')
      const second = await newUser(storage, 'second')
      await storage.user.createSocialAuth(first, 'same', 'osso')
      await rejectsWithIntegrityError(storage, () =>
        storage.user.createSocialAuth(second, 'same', 'osso'),
      )
    },
  },
  {
    name: 'refuses an empty uid',
    async run(storage) {
      const owner = await newUser(storage, 'empty')
      await assert.rejects(() => storage.user.createSocialAuth(owner, '', 'osso'))
      assert.equal(await storage.user.getSocialAuth('osso', ''), null)
    },
  },
  {
    name: 'lists a user’s associations, optionally by provider and by id',
    async run(storage) {
      const owner = await newUser(storage, 'many')
      const a = await storage.user.createSocialAuth(owner, '1', 'github')
      await storage.user.createSocialAuth(owner, '2', 'github')
      await storage.user.createSocialAuth(owner, '3', 'osso')
      assert.equal((await storage.user.getSocialAuthForUser(owner)).length, 3)
      assert.equal((await storage.user.getSocialAuthForUser(owner, 'github')).length, 2)
      const one = await storage.user.getSocialAuthForUser(owner, 'github', a.id)
      assert.deepEqual(
        one.map((s) => s.uid),
        ['1'],
      )
    },
  },
  {
    name: 'merges extra data and reports whether it changed',
    async run(storage) {
      const owner = await newUser(storage, 'tokens')
      const social = await storage.user.createSocialAuth(owner, 't1', 'osso')
      assert.equal(
        await storage.user.setExtraData(social, { access_token: 'a', refresh_token: 'r' }),
        true,
      )
      assert.equal(await storage.user.setExtraData(social, { access_token: 'b' }), true)
      assert.equal(await storage.user.setExtraData(social, { access_token: 'b' }), false)
      const read = await storage.user.getSocialAuth('osso', 't1')
      assert.deepEqual(read?.extra_data, { access_token: 'b', refresh_token: 'r' })
    },
  },
  {
    name: 'keeps nested JSON in extra data intact',
    async run(storage) {
      const owner = await newUser(storage, 'nested')
      const social = await storage.user.createSocialAuth(owner, 'n1', 'oidc')
      const data = {
        context: { iss: 'https://op.example', aud: ['a', 'b'], n: 1, ok: true, none: null },
      }
      await storage.user.setExtraData(social, data)
      assert.deepEqual((await storage.user.getSocialAuth('oidc', 'n1'))?.extra_data, data)
    },
  },
  {
    name: 'refuses to disconnect the only login method and allows it when another remains',
    async run(storage) {
      const owner = await newUser(storage, 'single')
      const first = await storage.user.createSocialAuth(owner, 'g1', 'github')
      assert.equal(await storage.user.allowedToDisconnect(owner, 'github'), false)
      assert.equal(await storage.user.allowedToDisconnect(owner, 'github', first.id), false)
      const second = await storage.user.createSocialAuth(owner, 'g2', 'github')
      assert.equal(await storage.user.allowedToDisconnect(owner, 'github'), false)
      assert.equal(await storage.user.allowedToDisconnect(owner, 'github', second.id), true)
      await storage.user.createSocialAuth(owner, 'o1', 'osso')
      assert.equal(await storage.user.allowedToDisconnect(owner, 'github'), true)
    },
  },
  {
    name: 'removes a disconnected association',
    async run(storage) {
      const owner = await newUser(storage, 'leaver')
      const social = await storage.user.createSocialAuth(owner, 'x', 'osso')
      await storage.user.disconnect(social)
      assert.equal(await storage.user.getSocialAuth('osso', 'x'), null)
      assert.deepEqual(await storage.user.getSocialAuthForUser(owner), [])
    },
  },
  {
    name: 'uses a nonce once',
    async run(storage) {
      assert.equal(await storage.nonce.use('https://op.example', 100, 'salt'), true)
      assert.equal(await storage.nonce.use('https://op.example', 100, 'salt'), false)
      const found = await storage.nonce.get('https://op.example', 'salt')
      assert.equal(found?.timestamp, 100)
      await storage.nonce.delete(found)
      assert.equal(await storage.nonce.get('https://op.example', 'salt'), null)
    },
  },
  {
    name: 'upserts associations on server url and handle, newest first',
    async run(storage) {
      const base = {
        server_url: 'https://op.example',
        secret: 's',
        lifetime: 0,
        assoc_type: 'state',
      }
      await storage.association.store({ ...base, handle: 'h1', issued: 1 })
      await storage.association.store({ ...base, handle: 'h2', issued: 2 })
      await storage.association.store({ ...base, handle: 'h1', issued: 3, secret: 'updated' })
      const all = await storage.association.get({ serverUrl: 'https://op.example' })
      assert.deepEqual(
        all.map((a) => [a.handle, a.issued]),
        [
          ['h1', 3],
          ['h2', 2],
        ],
      )
      const h1 = await storage.association.get({ serverUrl: 'https://op.example', handle: 'h1' })
      assert.equal(h1[0]?.secret, 'updated')
      await storage.association.remove(h1.map((a) => a.id!))
      assert.equal((await storage.association.get({ handle: 'h1' })).length, 0)
    },
  },
  {
    name: 'makes, finds and verifies email codes',
    async run(storage) {
      const code = await storage.code.makeCode('a@example.com')
      assert.ok(code.code.length >= 16)
      assert.equal(code.verified, false)
      const found = await storage.code.getCode(code.code)
      assert.equal(found?.email, 'a@example.com')
      assert.equal(await storage.code.verify(found), true)
      assert.equal((await storage.code.getCode(code.code))?.verified, true)
      // Spent: a second verification (a replay, or the loser of a race) reports false.
      assert.equal(await storage.code.verify({ ...found, verified: false }), false)
      assert.equal(await storage.code.getCode('unknown'), null)
    },
  },
  {
    name: 'stores, loads and destroys partial pipelines',
    async run(storage) {
      const record: PartialRecord = {
        token: 'a'.repeat(32),
        backend: 'osso',
        next_step: 4,
        data: {
          args: [],
          kwargs: { uid: 'u', details: { email: 'x@y.z' }, is_new: true },
          allow_external_resume: false,
          pipeline: 'disconnect',
        },
        timestamp: new Date(),
      }
      await storage.partial.store(record)
      const loaded = await storage.partial.load(record.token)
      assert.equal(loaded?.backend, 'osso')
      assert.equal(loaded?.next_step, 4)
      assert.deepEqual(loaded?.data, record.data)
      assert.ok(loaded?.timestamp instanceof Date)
      await storage.partial.destroy(record.token)
      assert.equal(await storage.partial.load(record.token), null)
    },
  },
  {
    name: 'rolls back everything a failed transaction wrote',
    async run(storage) {
      await assert.rejects(
        storage.transaction(async (tx) => {
          const owner = await tx.user.createUser({ username: 'ghost' })
          await tx.user.createSocialAuth(owner, 'g', 'osso')
          throw new Error('fault injected between writes')
        }),
        /fault injected/,
      )
      assert.equal(await storage.user.userExists({ username: 'ghost' }), false)
      assert.equal(await storage.user.getSocialAuth('osso', 'g'), null)
    },
  },
  {
    name: 'commits a successful transaction',
    async run(storage) {
      const id = await storage.transaction(
        async (tx) => (await tx.user.createUser({ username: 'kept' })).id,
      )
      assert.equal((await storage.user.getUser(id))?.username, 'kept')
    },
  },
  {
    name: 'keeps a transaction usable after a caught unique violation',
    async run(storage) {
      const owner = await newUser(storage, 'racer')
      await storage.user.createSocialAuth(owner, 'r', 'osso')
      const found = await storage.transaction(async (tx) => {
        await rejectsWithIntegrityError(tx, () => tx.user.createSocialAuth(owner, 'r', 'osso'))
        return tx.user.getSocialAuth('osso', 'r')
      })
      assert.equal(String(found?.user_id), String(owner.id))
    },
  },
]
