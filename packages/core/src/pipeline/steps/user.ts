/** PSA's `social_core.pipeline.user` steps: username, user creation, profile updates. */
import { ImproperlyConfigured } from '../../errors.js'
import { uuidHex } from '../../random.js'
import { DEFAULT_PROTECTED_USER_FIELDS } from '../../settings/schema.js'
import { cleanUsername, slugify } from '../../username.js'
import type { PipelineContext, StepResult } from '../context.js'

type StringFunction = (value: string) => string

// Random suffixes make a collision after this many tries practically impossible; stop
// rather than loop forever on a clean function that always returns a taken name.
const MAX_USERNAME_ATTEMPTS = 20

/** Picks a free username for a new user (PSA `get_username`). */
export async function getUsername(ctx: PipelineContext): Promise<StepResult> {
  const { backend, storage, details } = ctx
  if (!backend.setting<string[]>('USER_FIELDS').includes('username')) return undefined
  if (ctx.user) return { username: storage.user.getUsername(ctx.user) }

  const email = typeof details.email === 'string' ? details.email : ''
  const provided = typeof details.username === 'string' ? details.username : ''
  const base =
    backend.setting<boolean>('USERNAME_IS_FULL_EMAIL') && email ? email : provided || uuidHex()
  const maxLength = storage.user.usernameMaxLength()
  const uuidLength = backend.setting<number>('UUID_LENGTH')
  const clean: StringFunction = backend.setting<boolean>('CLEAN_USERNAMES')
    ? (backend.setting<StringFunction | undefined>('CLEAN_USERNAME_FUNCTION') ?? cleanUsername)
    : (value) => value
  const slug: StringFunction = backend.setting<boolean>('SLUGIFY_USERNAMES')
    ? (backend.setting<StringFunction | undefined>('SLUGIFY_FUNCTION') ?? slugify)
    : (value) => value

  // Every retry appends a fresh suffix to the same cut base (PSA's `short_username`), so a
  // second collision does not grow the name by another suffix.
  const short = base.slice(0, Math.max(0, maxLength - uuidLength))
  let username = slug(clean(base.slice(0, maxLength)))
  for (let attempt = 0; !username || (await storage.user.userExists({ username })); attempt++) {
    if (attempt >= MAX_USERNAME_ATTEMPTS) {
      throw new ImproperlyConfigured(
        'Could not find a free username; check CLEAN_USERNAME_FUNCTION',
        {
          backend: backend.name,
        },
      )
    }
    username = slug(clean((short + uuidHex().slice(0, uuidLength)).slice(0, maxLength)))
  }
  return { username }
}

/**
 * Creates the user from `USER_FIELDS`. A collision in the users table is thrown as it is: the
 * login is retried in a fresh transaction and, if it still collides, fails with
 * `ERR_AUTH_USER_CONFLICT`. It never falls back to the existing user (CVE-2025-61783).
 */
export async function createUser(ctx: PipelineContext): Promise<StepResult> {
  if (ctx.user) return { is_new: false }
  const { backend, details } = ctx
  const fields: Record<string, unknown> = {}
  for (const name of backend.setting<string[]>('USER_FIELDS')) {
    const value = Object.hasOwn(ctx, name) ? ctx[name] : details[name]
    if (value !== undefined) fields[name] = value
  }
  if (Object.keys(fields).length === 0) return undefined
  if (backend.setting<boolean>('FORCE_EMAIL_LOWERCASE') && typeof fields.email === 'string') {
    fields.email = fields.email.toLowerCase()
  }
  const user = await ctx.storage.user.createUser(fields)
  ctx.emit('user.created', { backend: backend.name, user })
  return { is_new: true, user }
}

/** Copies provider details onto the user, sparing protected and immutable fields. */
export async function userDetails(ctx: PipelineContext): Promise<StepResult> {
  const { user, backend } = ctx
  if (!user) return undefined
  const protectedFields = new Set([
    ...(backend.setting<boolean>('NO_DEFAULT_PROTECTED_USER_FIELDS')
      ? []
      : DEFAULT_PROTECTED_USER_FIELDS),
    ...backend.setting<string[]>('PROTECTED_USER_FIELDS'),
  ])
  const immutable = new Set(backend.setting<string[]>('IMMUTABLE_USER_FIELDS'))
  const mapping = backend.setting<Record<string, string>>('USER_FIELD_MAPPING')

  const changes: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(ctx.details)) {
    const attr = Object.hasOwn(mapping, name) ? mapping[name]! : name
    if (value === undefined || value === null) continue
    if (!Object.hasOwn(user, attr) || protectedFields.has(attr)) continue
    if (user[attr] === value) continue
    if (immutable.has(attr) && user[attr]) continue
    changes[attr] = value
  }
  if (Object.keys(changes).length === 0) return undefined
  return { user: await ctx.storage.user.updateUser(user, changes) }
}
