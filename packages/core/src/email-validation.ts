import { ImproperlyConfigured } from './errors.js'
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

/** Sends the validation email through the app's function (PSA `send_email_validation`). */
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
  const code = await storage.code.makeCode(email)
  await (send as (request: EmailValidationRequest) => unknown)({ backend, code, partialToken })
}

/** Checks and consumes a validation code (PSA `validate_email`). */
export async function validateEmail(
  storage: Storage,
  email: string,
  code: string,
): Promise<boolean> {
  const record = await storage.code.getCode(code)
  if (!record || record.code !== code || record.email !== email || record.verified) return false
  // A code spent by a concurrent request does not validate twice.
  return storage.code.verify(record)
}
