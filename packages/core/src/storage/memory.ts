import { uuidHex } from '../random.js'
import type {
  Association,
  AssociationStorage,
  Code,
  CodeStorage,
  JsonObject,
  NewUserFields,
  Nonce,
  NonceStorage,
  PartialRecord,
  PartialStorage,
  Storage,
  User,
  UserId,
  UserSocialAuth,
  UserStorage,
} from './types.js'
import { mergeExtraData } from './extra-data-merge.js'
import { hasUsablePassword } from './usable-password.js'

/** The unique-constraint error of {@link memoryStorage} (what a database driver would throw). */
export class MemoryIntegrityError extends Error {
  constructor(constraint: string) {
    super(`UNIQUE constraint failed: ${constraint}`)
    this.name = 'MemoryIntegrityError'
  }
}

interface Tables {
  users: Map<string, User>
  socials: Map<string, UserSocialAuth>
  nonces: Nonce[]
  associations: Association[]
  codes: Code[]
  partials: Map<string, PartialRecord>
  sequence: number
}

/**
 * A deep copy that stays in this realm (structuredClone builds objects whose prototypes come
 * from another realm under test runners' VM contexts, which breaks deep equality).
 */
function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, copy(v)])) as T
  if (Array.isArray(value)) return value.map(copy) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T
  }
  return value
}

/**
 * An in-memory reference storage, for tests and quick experiments. It behaves like the
 * database stores (unique constraints, active-user filtering, rollback on error) so the same
 * conformance suite runs on it. Not for production: nothing is persisted.
 *
 * @example
 * ```ts
 * const social = await createSocialAuth({ settings, storage: memoryStorage() })
 * ```
 */
export function memoryStorage(options: { usernameMaxLength?: number } = {}): Storage {
  let tables: Tables = {
    users: new Map(),
    socials: new Map(),
    nonces: [],
    associations: [],
    codes: [],
    partials: new Map(),
    sequence: 0,
  }
  const nextId = (): number => ++tables.sequence
  let lock: Promise<unknown> = Promise.resolve()

  const user: UserStorage = {
    async createUser(fields: NewUserFields) {
      const username = typeof fields.username === 'string' ? fields.username : null
      if (username !== null && [...tables.users.values()].some((u) => u.username === username)) {
        throw new MemoryIntegrityError('users.username')
      }
      const created: User = {
        first_name: '',
        last_name: '',
        email: '',
        is_active: true,
        ...fields,
        username,
        id: nextId(),
        date_joined: new Date(),
      }
      tables.users.set(String(created.id), created)
      return copy(created)
    },
    async getUser(id: UserId) {
      const found = tables.users.get(String(id))
      return found && found.is_active !== false ? copy(found) : null
    },
    async getUserAnyState(id: UserId) {
      const found = tables.users.get(String(id))
      return found ? copy(found) : null
    },
    async userExists({ username }) {
      return [...tables.users.values()].some((u) => u.username === username)
    },
    async getUsersByEmail(email: string) {
      const wanted = email.toLowerCase()
      return [...tables.users.values()]
        .filter(
          (u) =>
            u.is_active !== false &&
            typeof u.email === 'string' &&
            u.email.toLowerCase() === wanted,
        )
        .map(copy)
    },
    async updateUser(target: User, changes: Record<string, unknown>) {
      const stored = tables.users.get(String(target.id))
      if (!stored) throw new Error(`No user ${String(target.id)}`)
      const { id: _ignored, ...rest } = changes
      const updated = { ...stored, ...rest }
      tables.users.set(String(target.id), updated)
      return copy(updated)
    },
    getUsername: (u: User) => String(u.username ?? ''),
    usernameMaxLength: () => options.usernameMaxLength ?? 150,

    async getSocialAuth(provider: string, uid: string) {
      const found = tables.socials.get(`${provider}\u0000${uid}`)
      return found ? copy(found) : null
    },
    async getSocialAuthForUser(owner: User, provider?: string, id?: UserId) {
      return [...tables.socials.values()]
        .filter(
          (s) =>
            String(s.user_id) === String(owner.id) &&
            (provider === undefined || s.provider === provider) &&
            (id === undefined || String(s.id) === String(id)),
        )
        .map(copy)
    },
    async createSocialAuth(owner: User, uid: string, provider: string) {
      if (uid === '') throw new Error('CHECK constraint failed: uid must not be empty')
      const key = `${provider}\u0000${uid}`
      if (tables.socials.has(key))
        throw new MemoryIntegrityError('social_auth_usersocialauth.provider, uid')
      if (!tables.users.has(String(owner.id)))
        throw new Error(`FOREIGN KEY constraint failed: user ${String(owner.id)}`)
      const now = new Date()
      const social: UserSocialAuth = {
        id: nextId(),
        user_id: owner.id,
        provider,
        uid,
        extra_data: {},
        created: now,
        modified: now,
      }
      tables.socials.set(key, social)
      return copy(social)
    },
    async setExtraData(social: UserSocialAuth, data: JsonObject) {
      const key = `${social.provider}\u0000${social.uid}`
      const stored = tables.socials.get(key)
      if (!stored) return false
      const merged = mergeExtraData(stored.extra_data, data)
      if (!merged) return false
      tables.socials.set(key, { ...stored, extra_data: copy(merged), modified: new Date() })
      social.extra_data = copy(merged)
      return true
    },
    async allowedToDisconnect(owner: User, backendName: string, associationId?: UserId) {
      const stored = tables.users.get(String(owner.id))
      if (stored && hasUsablePassword(stored.password)) return true
      const others = [...tables.socials.values()].filter(
        (s) =>
          String(s.user_id) === String(owner.id) &&
          (associationId === undefined
            ? s.provider !== backendName
            : String(s.id) !== String(associationId)),
      )
      return others.length > 0
    },
    async disconnect(entry: UserSocialAuth) {
      // This row only: the (provider, uid) may belong to another association by now.
      const key = `${entry.provider}\u0000${entry.uid}`
      if (String(tables.socials.get(key)?.id) === String(entry.id)) tables.socials.delete(key)
    },
  }

  const nonce: NonceStorage = {
    async use(serverUrl, timestamp, salt) {
      if (
        tables.nonces.some(
          (n) => n.server_url === serverUrl && n.timestamp === timestamp && n.salt === salt,
        )
      ) {
        return false
      }
      tables.nonces.push({ id: nextId(), server_url: serverUrl, timestamp, salt })
      return true
    },
    async get(serverUrl, salt) {
      const found = tables.nonces.find((n) => n.server_url === serverUrl && n.salt === salt)
      return found ? copy(found) : null
    },
    async delete(target) {
      tables.nonces = tables.nonces.filter((n) => String(n.id) !== String(target.id))
    },
  }

  const association: AssociationStorage = {
    async store(record) {
      const existing = tables.associations.findIndex(
        (a) => a.server_url === record.server_url && a.handle === record.handle,
      )
      if (existing === -1) tables.associations.push({ ...record, id: nextId() })
      else tables.associations[existing] = { ...record, id: tables.associations[existing]!.id! }
    },
    async get({ serverUrl, handle }) {
      return tables.associations
        .filter(
          (a) =>
            (serverUrl === undefined || a.server_url === serverUrl) &&
            (handle === undefined || a.handle === handle),
        )
        .sort((a, b) => b.issued - a.issued)
        .map(copy)
    },
    async remove(ids) {
      const drop = new Set(ids.map(String))
      tables.associations = tables.associations.filter((a) => !drop.has(String(a.id)))
    },
  }

  const code: CodeStorage = {
    async makeCode(email) {
      const record: Code = {
        id: nextId(),
        email,
        code: uuidHex(),
        verified: false,
        timestamp: new Date(),
      }
      tables.codes.push(record)
      return copy(record)
    },
    async getCode(value) {
      const found = tables.codes.find((c) => c.code === value)
      return found ? copy(found) : null
    },
    async verify(record) {
      const found = tables.codes.find((c) => c.code === record.code && c.email === record.email)
      record.verified = true
      if (!found || found.verified) return false
      found.verified = true
      return true
    },
  }

  const partial: PartialStorage = {
    async store(record) {
      tables.partials.set(record.token, copy(record))
    },
    async load(token) {
      const found = tables.partials.get(token)
      return found ? copy(found) : null
    },
    async destroy(token) {
      tables.partials.delete(token)
    },
  }

  const storage: Storage = {
    user,
    nonce,
    association,
    code,
    partial,
    isIntegrityError: (err) => err instanceof MemoryIntegrityError,
    transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T> {
      // One transaction at a time, like SQLite's writer lock; a failure restores the snapshot.
      const run = lock.then(async () => {
        const snapshot = copy(tables)
        try {
          return await work(storage)
        } catch (err) {
          tables = snapshot
          throw err
        }
      })
      lock = run.catch(() => undefined)
      return run
    },
  }
  return storage
}
