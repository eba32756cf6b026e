import type { AuthUser } from '../verifier.js'

/**
 * The fields your claim schema adds to `req.auth`. Empty by default; augment it to type them:
 *
 * @example
 * ```ts
 * declare module '@social-auth/jwt' {
 *   interface AuthClaims { company_id?: string | undefined }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuthClaims {}

// `req.auth` is the verified token's user, set by the guards. The name is the one
// express-jwt and express-oauth2-jwt-bearer use, so handlers read the same way.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: AuthUser<AuthClaims> | undefined
    }
  }
}
