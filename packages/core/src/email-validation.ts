import { ImproperlyConfigured, InvalidEmail } from './errors.js'
import type { BoundBackend } from './backends/definition.js'
import type { SettingsResolver } from './settings/resolver.js'
import type { Code, Storage } from './storage/types.js'

/** What `EMAIL_VALIDATION_FUNCTION` receives. */
export interface EmailValidationRequest {
  readonly backend: BoundBackend
  /** The code record; mail a link carrying `code.code` and the partial token. */
  readonly code: Code
  /** The paused pipeline's token, for the link (`partial_token=`). */
  readonly partialToken: string
}

/**
 * The start of `social_auth_code.email` values that are not addresses. PSA's code table also
 * keeps other one-time codes (the native-client codes of `@social-auth/express`), which store
 * what they are bound to in that column. Email validation never issues a code for, nor accepts
 * a code of, a value that starts with this prefix (in any case), and those other codes accept
 * only values that do: a mailed code can never be redeemed as another kind, nor the reverse,
 * whatever address a provider asserts.
 *
 * @example
 * ```ts
 * await storage.code.makeCode(`${RESERVED_CODE_PREFIX}my-kind:${binding}`) // not an address
 * ```
 */
export const RESERVED_CODE_PREFIX = 'urn:social-auth:'

/**
 * Whether `value` is in the namespace of non-email codes ({@link RESERVED_CODE_PREFIX}).
 *
 * @example
 * ```ts
 * isReservedCodeEmail('URN:Social-Auth:x') // true
 * isReservedCodeEmail('ada@example.com') // false
 * ```
 */
export function isReservedCodeEmail(value: string): boolean {
  return value.slice(0, RESERVED_CODE_PREFIX.length).toLowerCase() === RESERVED_CODE_PREFIX
}

/**
 * Sends the validation email through the app's function (PSA `send_email_validation`). An
 * address in the reserved namespace ({@link RESERVED_CODE_PREFIX}) is refused with
 * `InvalidEmail`: no code is made, nothing is mailed.
 */
export async function sendEmailValidation(
  settings: SettingsResolver,
  storage: Storage,
  backend: BoundBackend,
  email: string,
  partialToken: string,
): Promise<void> {
  const send = settings.get<unknown>('EMAIL_VALIDATION_FUNCTION')
  if (typeof send !== 'function') {
    throw new ImproperlyConfigured('EMAIL_VALIDATION_FUNCTION is not configured', {
      backend: backend.name,
    })
  }
  if (isReservedCodeEmail(email)) throw new InvalidEmail({ backend: backend.name })
  const code = await storage.code.makeCode(email)
  await (send as (request: EmailValidationRequest) => unknown)({ backend, code, partialToken })
}

/**
 * Checks and consumes a validation code (PSA `validate_email`). A code of another kind (its
 * `email` in the reserved namespace) never validates an address.
 */
export async function validateEmail(
  storage: Storage,
  email: string,
  code: string,
): Promise<boolean> {
  if (isReservedCodeEmail(email)) return false
  const record = await storage.code.getCode(code)
  if (!record || record.code !== code || record.email !== email || record.verified) return false
  // A code spent by a concurrent request does not validate twice.
  return spendCode(storage, record)
}

/**
 * Marks a one-time code verified: true only for the call that spent it. Refuses a storage whose
 * `verify` answers anything but a boolean: PSA's returns nothing, and a storage ported from it
 * would fail every check without a word, or, answering a row count, let a code be spent twice.
 */
export async function spendCode(storage: Storage, code: Code): Promise<boolean> {
  const spent: unknown = await storage.code.verify(code)
  if (typeof spent !== 'boolean') {
    throw new ImproperlyConfigured(
      `CodeStorage.verify returned ${spent === null ? 'null' : typeof spent}, not a boolean: true when this call marked the code verified, false when it was spent already`,
    )
  }
  return spent
}
