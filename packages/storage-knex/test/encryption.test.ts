/** Provider tokens encrypted at rest (issue 3; security.md §5.4). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ImproperlyConfigured } from '@social-auth/core'
import {
  createTokenCipher,
  encryptionFromEnv,
  generateEncryptionKey,
  knexStorage,
  migrate,
  reencryptExtraData,
  type EncryptionOptions,
} from '../src/index.js'
import { emptyTables, openDatabase, type TestDatabase } from './support/databases.js'
import { engineFor, login } from './support/login.js'

const k1 = { id: 'k1', key: generateEncryptionKey() }
const k2 = { id: 'k2', key: generateEncryptionKey() }
const onlyK1: EncryptionOptions = { keys: [k1] }
const rotated: EncryptionOptions = { keys: [k2, k1] }

/** A logger that remembers what it was told. */
function recorder(): { lines: string[]; warn(message: string): void } {
  const lines: string[] = []
  return { lines, warn: (message) => void lines.push(message) }
}

async function rawExtraData(db: TestDatabase, uid: string): Promise<string> {
  const row = (await db.knex('social_auth_usersocialauth').where('uid', uid).first()) as {
    extra_data: unknown
  }
  return typeof row.extra_data === 'string' ? row.extra_data : JSON.stringify(row.extra_data)
}

describe.each(['sqlite', 'postgres'] as const)('token encryption on %s', (name) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await openDatabase(name)
    await migrate(db.knex)
  })
  beforeEach(() => emptyTables(db.knex))
  afterAll(() => db.destroy())

  async function linked(
    options: EncryptionOptions | undefined,
    uid: string,
    data: Record<string, string | object>,
  ) {
    const storage = knexStorage(db.knex, { encryption: options })
    const user = await storage.user.createUser({ username: `u-${uid}` })
    const social = await storage.user.createSocialAuth(user, uid, 'osso')
    await storage.user.setExtraData(social, data as never)
    return storage
  }

  it('stores no plaintext token after a login and reads the tokens back', async () => {
    const secret = `access-${Math.random().toString(36).slice(2)}`
    const storage = knexStorage(db.knex, { encryption: onlyK1 })
    const social = await engineFor(storage, () => ({
      id: 'enc-1',
      login: 'enc',
      access_token: secret,
    }))
    await login(social, 'x')
    const raw = await rawExtraData(db, 'enc-1')
    expect(raw).not.toContain(secret)
    expect(raw).toContain('"$enc":"v1:k1:')
    expect(raw).toContain('"token_type":"bearer"')
    expect((await storage.user.getSocialAuth('dummy', 'enc-1'))?.extra_data).toMatchObject({
      access_token: secret,
      token_type: 'bearer',
    })
  })

  it('encrypts refresh and id tokens, keeps non-string token values, and leaves other fields readable', async () => {
    const storage = await linked(onlyK1, 'enc-2', {
      refresh_token: 'refresh-secret',
      id_token: 'header.payload.sig',
      access_token: { oauth_token: 'o', oauth_token_secret: 's' },
      expires: '3600',
    })
    const raw = await rawExtraData(db, 'enc-2')
    for (const secret of ['refresh-secret', 'header.payload.sig', 'oauth_token_secret'])
      expect(raw).not.toContain(secret)
    expect(raw).toContain('3600')
    expect((await storage.user.getSocialAuth('osso', 'enc-2'))?.extra_data).toEqual({
      refresh_token: 'refresh-secret',
      id_token: 'header.payload.sig',
      access_token: { oauth_token: 'o', oauth_token_secret: 's' },
      expires: '3600',
    })
  })

  it('treats a token whose ciphertext was altered as absent, without logging the value', async () => {
    await linked(onlyK1, 'flip', { access_token: 'flip-secret', token_type: 'bearer' })
    const raw = JSON.parse(await rawExtraData(db, 'flip')) as { access_token: { $enc: string } }
    const parts = raw.access_token.$enc.split(':')
    const ciphertext = Buffer.from(parts[3]!, 'base64url')
    ciphertext[0]! ^= 0x01
    parts[3] = ciphertext.toString('base64url')
    await db
      .knex('social_auth_usersocialauth')
      .where('uid', 'flip')
      .update({ extra_data: JSON.stringify({ ...raw, access_token: { $enc: parts.join(':') } }) })

    const logger = recorder()
    const storage = knexStorage(db.knex, { encryption: onlyK1, logger })
    expect((await storage.user.getSocialAuth('osso', 'flip'))?.extra_data).toEqual({
      token_type: 'bearer',
    })
    expect(logger.lines).toHaveLength(1)
    expect(logger.lines[0]).toContain('extra_data.access_token')
    expect(logger.lines.join('\n')).not.toContain('flip-secret')
  })

  it('refuses a ciphertext copied from another association', async () => {
    await linked(onlyK1, 'row-a', { access_token: 'token-of-a' })
    await linked(onlyK1, 'row-b', { access_token: 'token-of-b' })
    const fromA = JSON.parse(await rawExtraData(db, 'row-a')) as Record<string, unknown>
    await db
      .knex('social_auth_usersocialauth')
      .where('uid', 'row-b')
      .update({ extra_data: JSON.stringify(fromA) })
    const storage = knexStorage(db.knex, { encryption: onlyK1, logger: recorder() })
    expect((await storage.user.getSocialAuth('osso', 'row-b'))?.extra_data).toEqual({})
    expect((await storage.user.getSocialAuth('osso', 'row-a'))?.extra_data).toEqual({
      access_token: 'token-of-a',
    })
  })

  it('reads old values after a rotation, writes with the new key, and re-encrypts the rest', async () => {
    await linked(onlyK1, 'old', { access_token: 'old-token', refresh_token: 'old-refresh' })
    const after = knexStorage(db.knex, { encryption: rotated })
    const old = (await after.user.getSocialAuth('osso', 'old'))!
    expect(old.extra_data).toEqual({ access_token: 'old-token', refresh_token: 'old-refresh' })
    await after.user.setExtraData(old, { access_token: 'new-token' })
    const mixed = await rawExtraData(db, 'old')
    expect(mixed).toContain('v1:k2:')
    expect(mixed).toContain('v1:k1:')

    await linked(undefined, 'plain', { access_token: 'plain-token' })
    expect(await reencryptExtraData(db.knex, { encryption: rotated, batchSize: 1 })).toEqual({
      scanned: 2,
      updated: 2,
      failed: 0,
    })
    for (const uid of ['old', 'plain']) {
      const raw = await rawExtraData(db, uid)
      expect(raw).not.toContain('v1:k1:')
      expect(raw).not.toContain('-token')
    }
    const k2Only = knexStorage(db.knex, { encryption: { keys: [k2] } })
    expect((await k2Only.user.getSocialAuth('osso', 'old'))?.extra_data).toEqual({
      access_token: 'new-token',
      refresh_token: 'old-refresh',
    })
    expect((await k2Only.user.getSocialAuth('osso', 'plain'))?.extra_data).toEqual({
      access_token: 'plain-token',
    })
    expect(await reencryptExtraData(db.knex, { encryption: rotated })).toEqual({
      scanned: 2,
      updated: 0,
      failed: 0,
    })
  })

  it('refuses to re-encrypt without keys (SOCIAL_AUTH_ENCRYPTION_KEYS unset) and changes nothing', async () => {
    await linked(undefined, 'plain', { access_token: 'plain-token' })
    const before = await rawExtraData(db, 'plain')
    const unset = undefined as unknown as Parameters<typeof reencryptExtraData>[1]['encryption']
    await expect(reencryptExtraData(db.knex, { encryption: unset })).rejects.toThrow(
      new ImproperlyConfigured('Re-encryption needs keys: SOCIAL_AUTH_ENCRYPTION_KEYS is not set'),
    )
    expect(await rawExtraData(db, 'plain')).toBe(before)
  })

  it('leaves rows it cannot decrypt alone when re-encrypting', async () => {
    await linked({ keys: [{ id: 'lost', key: generateEncryptionKey() }] }, 'lost', {
      access_token: 'lost-token',
    })
    const before = await rawExtraData(db, 'lost')
    expect(await reencryptExtraData(db.knex, { encryption: rotated, logger: recorder() })).toEqual({
      scanned: 1,
      updated: 0,
      failed: 1,
    })
    expect(await rawExtraData(db, 'lost')).toBe(before)
  })

  it('reads tokens stored before a key was configured', async () => {
    await linked(undefined, 'legacy', { access_token: 'legacy-token' })
    const storage = knexStorage(db.knex, { encryption: onlyK1 })
    expect((await storage.user.getSocialAuth('osso', 'legacy'))?.extra_data).toEqual({
      access_token: 'legacy-token',
    })
  })
})

describe('encryption settings', () => {
  it('round-trips a value and binds it to its associated data', () => {
    const cipher = createTokenCipher(onlyK1)
    const sealed = cipher.seal('secret', 'aad-1')
    expect(sealed).toMatch(/^v1:k1:[\w-]{16}:[\w-]+:[\w-]{22}$/)
    expect(cipher.open(sealed, 'aad-1')).toBe('secret')
    expect(() => cipher.open(sealed, 'aad-2')).toThrow()
    expect(cipher.seal('secret', 'aad-1')).not.toBe(sealed)
  })

  it.each([
    ['a short key', { keys: [{ id: 'k', key: Buffer.alloc(16).toString('base64') }] }],
    ['no key', { keys: [] }],
    ['an unknown active key', { keys: [k1], activeKeyId: 'k9' }],
    ['a key listed twice', { keys: [k1, k1] }],
    ['a key id with a colon', { keys: [{ id: 'a:b', key: k1.key }] }],
  ])('fails at start-up with %s', (_what, options) => {
    expect(() =>
      knexStorage({ client: { dialect: 'sqlite3' } } as never, { encryption: options }),
    ).toThrow(ImproperlyConfigured)
  })

  it('never repeats a key written where its id belongs (key:id instead of id:key)', () => {
    const key = Buffer.alloc(32, 0xfb).toString('base64') // '+' and '/' cannot be in an id
    expect(() => encryptionFromEnv({ SOCIAL_AUTH_ENCRYPTION_KEYS: `${key}:k1` })).not.toThrow()
    const reversed = encryptionFromEnv({ SOCIAL_AUTH_ENCRYPTION_KEYS: `${key}:k1` })!
    expect(() => createTokenCipher(reversed)).toThrow(ImproperlyConfigured)
    expect(() => createTokenCipher(reversed)).toThrow(/key:id instead of id:key/)
    try {
      createTokenCipher(reversed)
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(key.slice(0, 8))
    }
  })

  it('reads the key ring from SOCIAL_AUTH_ENCRYPTION_KEYS, the first key encrypting', () => {
    expect(encryptionFromEnv({})).toBeUndefined()
    const options = encryptionFromEnv({
      SOCIAL_AUTH_ENCRYPTION_KEYS: `new:${k2.key}, old:${k1.key}`,
    })
    expect(options).toEqual({
      keys: [
        { id: 'new', key: k2.key },
        { id: 'old', key: k1.key },
      ],
    })
    expect(createTokenCipher(options!).activeKeyId).toBe('new')
    expect(() => encryptionFromEnv({ SOCIAL_AUTH_ENCRYPTION_KEYS: 'no-separator' })).toThrow(
      ImproperlyConfigured,
    )
  })

  it('accepts raw and URL-safe base64 keys', () => {
    const raw = new Uint8Array(32).fill(7)
    const urlSafe = Buffer.from(raw).toString('base64url')
    const a = createTokenCipher({ keys: [{ id: 'raw', key: raw }] })
    const b = createTokenCipher({ keys: [{ id: 'raw', key: urlSafe }] })
    expect(b.open(a.seal('x', 'y'), 'y')).toBe('x')
  })
})
