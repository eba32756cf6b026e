/** PSA's `social_core.pipeline.mail.mail_validation`. */
import { sendEmailValidation, validateEmail } from '../../email-validation.js'
import { InvalidEmail, ImproperlyConfigured } from '../../errors.js'
import { redirect } from '../../responses.js'
import { partialStep } from '../partial.js'
import type { PipelineContext, StepResult } from '../context.js'

const SESSION_ADDRESS = 'email_validation_address'

/**
 * Mails a code and pauses until the link comes back (`verification_code` + `partial_token`).
 * Applies when the backend requires it or `FORCE_EMAIL_VALIDATION` is set, for new users (or
 * every login with `PASSWORDLESS`). The link may be opened in another browser, after an
 * explicit confirmation (PSA 5.0.1).
 */
export const mailValidation = partialStep<PipelineContext>(
  async function mailValidation(ctx): Promise<StepResult> {
    const { backend, details } = ctx
    const requires =
      backend.requiresEmailValidation || backend.setting<boolean>('FORCE_EMAIL_VALIDATION')
    const email = typeof details.email === 'string' ? details.email : ''
    const send = email !== '' && (ctx.is_new || backend.setting<boolean>('PASSWORDLESS'))
    if (!requires || !send) return undefined

    const code = ctx.request.verification_code
    if (code) {
      ctx.strategy.session.pop(SESSION_ADDRESS)
      if (!(await validateEmail(ctx.storage, email, code))) {
        throw new InvalidEmail({ backend: backend.name })
      }
      return undefined
    }
    const url = ctx.settings.get<string | undefined>('EMAIL_VALIDATION_URL')
    if (!url) throw new ImproperlyConfigured('EMAIL_VALIDATION_URL is not configured')
    await sendEmailValidation(ctx.settings, ctx.storage, backend, email, ctx.current_partial!.token)
    ctx.strategy.session.set(SESSION_ADDRESS, email)
    return redirect(url)
  },
  { saveToSession: true, allowExternalResume: true },
)
