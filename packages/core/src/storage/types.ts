/**
 * The storage contract, mirroring PSA's model mixins (user, social auth, nonce, association,
 * code, partial) as async interfaces. The knex store implements it for SQLite and PostgreSQL;
 * `memoryStorage()` implements it for tests. `@social-auth/core/testing` holds the
 * conformance suite every implementation runs unchanged.
 */

/** A user id as the database hands it out (bigint ids arrive as strings). */
export type UserId = string | number

/** The fields the pipeline reads and writes on a user. Apps may carry more. */
export interface User {
  readonly id: UserId
  username?: string | null
  email?: string | null
  first_name?: string | null
  last_name?: string | null
  is_active?: boolean
  [field: string]: unknown
}

/** JSON-compatible values, the only ones `extra_data` and partials keep. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue }

/** One linked provider account (table `social_auth_usersocialauth`). */
export interface UserSocialAuth {
  readonly id: UserId
  readonly user_id: UserId
  readonly provider: string
  readonly uid: string
  extra_data: JsonObject
  readonly created?: Date
  modified?: Date
}

/** An OpenID 2 style one-use number (table `social_auth_nonce`). */
export interface Nonce {
  readonly id: UserId
  readonly server_url: string
  readonly timestamp: number
  readonly salt: string
}

/** A server association (table `social_auth_association`); OIDC uses it for nonces in PSA. */
export interface Association {
  readonly id?: UserId
  readonly server_url: string
  readonly handle: string
  readonly secret: string
  readonly issued: number
  readonly lifetime: number
  readonly assoc_type: string
}

/** An email validation code (table `social_auth_code`). */
export interface Code {
  readonly id?: UserId
  readonly email: string
  readonly code: string
  verified: boolean
  readonly timestamp: Date
}

/** The data a paused pipeline keeps (PSA `Partial.data`). */
export interface PartialData {
  args: JsonValue[]
  kwargs: JsonObject
  allow_external_resume?: boolean
  /** The pipeline that paused (absent in PSA's records: `auth`). */
  pipeline?: 'auth' | 'disconnect'
}

/** A paused pipeline (PSA `Partial`, table `social_auth_partial`). */
export interface PartialRecord {
  readonly token: string
  readonly backend: string
  readonly next_step: number
  data: PartialData
  readonly timestamp: Date
}

/** Fields used to create a user; the keys are those of `USER_FIELDS`. */
export type NewUserFields = Record<string, unknown>

/** PSA's `UserMixin` class methods, async. */
export interface UserStorage {
  /**
   * The user fields `createUser` can store, for a store with a fixed set of columns:
   * `createSocialAuth` refuses a `USER_FIELDS` setting that names another (Django's
   * `create_user` fails on an unknown field; a store would drop it silently). Absent: any field.
   */
  readonly userFields?: readonly string[]
  /** Users are created active unless the fields say otherwise. Throws an integrity error on a collision. */
  createUser(fields: NewUserFields): Promise<User>
  /** The active user with this id, or null (PSA's `get_user` sees only active users). */
  getUser(id: UserId): Promise<User | null>
  /** The user with this id whether or not active; the pipeline needs inactive ones too. */
  getUserAnyState(id: UserId): Promise<User | null>
  /** Whether a user matches every filter (PSA `user_exists`, used for usernames). */
  userExists(filters: { username: string }): Promise<boolean>
  /** Active users whose email matches case-insensitively. */
  getUsersByEmail(email: string): Promise<User[]>
  /** Saves changed fields (PSA `changed(user)`); returns the updated user. */
  updateUser(user: User, changes: Record<string, unknown>): Promise<User>
  /** The username of a user (PSA `get_username`). */
  getUsername(user: User): string
  /** Maximum username length the user table allows. */
  usernameMaxLength(): number

  /** The association for (provider, uid), compared case-sensitively, or null. */
  getSocialAuth(provider: string, uid: string): Promise<UserSocialAuth | null>
  /** A user's associations, optionally of one provider or one id. */
  getSocialAuthForUser(user: User, provider?: string, id?: UserId): Promise<UserSocialAuth[]>
  /** Links (provider, uid) to the user. Throws an integrity error when the pair exists. */
  createSocialAuth(user: User, uid: string, provider: string): Promise<UserSocialAuth>
  /** Merges into `extra_data` (PSA `set_extra_data`); true when something changed. */
  setExtraData(social: UserSocialAuth, data: JsonObject): Promise<boolean>
  /**
   * Whether removing these associations leaves the user a way to log in: a usable password
   * (`hasUsablePassword`: not NULL, `''` or Django's `!…`) or another association. With
   * `beforeDelete` it is the check made just before the delete, in the disconnect's
   * transaction: a storage with row locks locks the user there, so a concurrent disconnect of
   * the same user waits for this one and then sees what is left.
   */
  allowedToDisconnect(
    user: User,
    backendName: string,
    associationId?: UserId,
    options?: { readonly beforeDelete?: boolean },
  ): Promise<boolean>
  /** Removes one association. */
  disconnect(entry: UserSocialAuth): Promise<void>
}

/** PSA's `NonceMixin`. */
export interface NonceStorage {
  /** Records the nonce; true when it was new (false means a replay). */
  use(serverUrl: string, timestamp: number, salt: string): Promise<boolean>
  get(serverUrl: string, salt: string): Promise<Nonce | null>
  delete(nonce: Nonce): Promise<void>
}

/** PSA's `AssociationMixin`. */
export interface AssociationStorage {
  /** Upserts on (server_url, handle). */
  store(association: Association): Promise<void>
  get(filter: { serverUrl?: string; handle?: string }): Promise<Association[]>
  remove(ids: UserId[]): Promise<void>
}

/** PSA's `CodeMixin`. */
export interface CodeStorage {
  /** Creates a fresh random code for the email. */
  makeCode(email: string): Promise<Code>
  getCode(code: string): Promise<Code | null>
  /**
   * Marks the code verified. True only for the call that flipped it: a code is spent once even
   * when two requests race (mailed links, the CLI's one-time codes).
   */
  verify(code: Code): Promise<boolean>
}

/** PSA's `PartialMixin`. */
export interface PartialStorage {
  store(partial: PartialRecord): Promise<void>
  load(token: string): Promise<PartialRecord | null>
  destroy(token: string): Promise<void>
}

/**
 * The whole storage (PSA `BaseStorage`).
 *
 * @example
 * ```ts
 * const social = await createSocialAuth({ settings, storage: memoryStorage() })
 * ```
 */
export interface Storage {
  readonly user: UserStorage
  readonly nonce: NonceStorage
  readonly association: AssociationStorage
  readonly code: CodeStorage
  readonly partial: PartialStorage
  /** True when `err` is a unique-constraint violation (a lost race). */
  isIntegrityError(err: unknown): boolean
  /**
   * Runs `work` in one database transaction: everything it wrote is rolled back when it
   * throws. The login pipeline runs inside it, so a failure leaves no half-created user.
   */
  transaction<T>(work: (storage: Storage) => Promise<T>): Promise<T>
}
