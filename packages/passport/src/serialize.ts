import type { Storage, User, UserId } from '@social-auth/core'

type Done<T> = (err: unknown, value?: T) => void

/**
 * `passport.serializeUser` for social-auth users: the session keeps the user id only.
 *
 * @example
 * ```ts
 * passport.serializeUser(serializeUser())
 * ```
 */
export function serializeUser(): (user: Express.User, done: Done<UserId>) => void {
  return (user, done) => {
    const id = (user as Partial<User>).id
    if (id === undefined || id === null)
      done(new Error('the user has no id to keep in the session'))
    else done(null, id)
  }
}

/**
 * `passport.deserializeUser` backed by social-auth's storage: the session's user id is loaded
 * on every request, and a user that was deactivated or deleted meanwhile comes back as `false`,
 * which passport treats as logged out.
 *
 * @example
 * ```ts
 * passport.deserializeUser(deserializeUser(social.storage))
 * ```
 */
export function deserializeUser(
  storage: Storage,
): (id: UserId, done: Done<Express.User | false>) => void {
  return (id, done) => {
    if (typeof id !== 'string' && typeof id !== 'number') {
      done(null, false)
      return
    }
    storage.user.getUser(id).then(
      (user) => done(null, (user as Express.User | null) ?? false),
      (err: unknown) => done(err),
    )
  }
}
