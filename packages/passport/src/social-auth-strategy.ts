import passport from 'passport'
import {
  SocialAuthError,
  socialAccount,
  type ActionResponse,
  type CompleteOutcome,
  type SocialAccount,
  type SocialAuth,
  type User,
} from '@social-auth/core'
import {
  requestStrategy,
  type PassportRequest,
  type RequestStrategyOptions,
} from './request-strategy.js'

/** Options of {@link SocialAuthStrategy}. */
export interface SocialAuthStrategyOptions extends RequestStrategyOptions {
  /** The engine (`createSocialAuth(...)`). */
  readonly social: SocialAuth
  /** The backend this strategy runs; also the strategy's name unless `name` says otherwise. */
  readonly backend: string
  /** The name for `passport.use` / `passport.authenticate`. */
  readonly name?: string
}

/** What `req.authInfo` holds after a successful `passport.authenticate` (with `authInfo`). */
export interface SocialAuthInfo {
  readonly backend: string
  /**
   * The account the pipeline ended with — the one signed in with, or the one linked to the
   * signed-in user — without its tokens; null when the pipeline found or created none.
   */
  readonly social: SocialAccount | null
  /** True when this sign-in created the user (PSA's `is_new`). */
  readonly isNew: boolean
  /**
   * True when this run created the association `social` (PSA's `new_association`): a first
   * sign-in with the account, or a link of an account the user did not have. False when the
   * account was linked to this user before.
   */
  readonly newAssociation: boolean
  /**
   * True when someone was signed in already: the pipeline ran for them, nobody new was logged
   * in, and `social` is linked to them — newly when `newAssociation`, otherwise as before.
   */
  readonly linked: boolean
  /** Where social-auth would send the browser (`next`, `LOGIN_REDIRECT_URL`, …). */
  readonly redirect: string | undefined
}

/** What passport's `fail` carries for a refused login (`failureMessage` keeps `message`). */
export interface SocialAuthFailure {
  readonly message: string
  /** The stable error code, e.g. `ERR_AUTH_CANCELED`. */
  readonly code: string
  readonly backend: string
}

/** The parameters a provider calls back with, or a paused pipeline resumes or is confirmed with. */
function isCallback(strategy: SocialAuthStrategy, data: Record<string, string>): boolean {
  const backend = strategy.social.getBackend(strategy.backend)
  const markers = [
    ...(backend.definition.callbackParameters ?? ['code', 'state', 'error']),
    backend.setting<string>('PARTIAL_PIPELINE_TOKEN_NAME', 'partial_token'),
    // The POST of core's "Continue signing in?" page (an emailed link's external resume).
    backend.setting<string>('PARTIAL_PIPELINE_EXTERNAL_RESUME_CONFIRMATION_PARAMETER'),
  ]
  return markers.some((name) => Object.hasOwn(data, name))
}

/** Answers a page or JSON the pipeline produced (a paused step's form) through Express's `res`. */
function sendThroughResponse(req: PassportRequest, response: ActionResponse): boolean {
  const res = (
    req as {
      res?: {
        status(code: number): { type(t: string): { send(b: string): void }; json(b: unknown): void }
      }
    }
  ).res
  if (!res || response.type === 'redirect') return false
  if (response.type === 'html') res.status(response.status).type('html').send(response.html)
  else res.status(response.status).json(response.body)
  return true
}

/**
 * A passport strategy that runs a social-auth backend and its whole pipeline, so an app built
 * on passport sessions gets `passport.authenticate('osso')` with PSA's pipeline behind it. A
 * request without callback parameters starts the login (a redirect to the provider); the
 * callback completes it, runs the pipeline (with `req.user` as the user to link to, when
 * logged in) and calls passport's `success` with the pipeline's user. A refused login —
 * cancelled consent, a forged state, an account that belongs to someone else — is passport's
 * `fail` with the stable error code, so `failureRedirect` and `failureMessage` work as usual.
 *
 * @example
 * ```ts
 * passport.use(new SocialAuthStrategy({ social, backend: 'osso', callbackURL: '/auth/osso/callback' }))
 * app.get('/auth/osso', passport.authenticate('osso'))
 * app.get('/auth/osso/callback', passport.authenticate('osso', { failureRedirect: '/login', successRedirect: '/' }))
 * ```
 */
export class SocialAuthStrategy extends passport.Strategy {
  override readonly name: string
  readonly social: SocialAuth
  readonly backend: string
  // TypeScript `private`, not `#private`: passport calls `authenticate` on an object created
  // from this one (`Object.create(strategy)`), which has no `#` slots of its own.
  private readonly requestOptions: RequestStrategyOptions

  constructor(options: SocialAuthStrategyOptions) {
    super()
    // Resolved now: a misspelt backend is a start-up error, not a failed first login.
    options.social.getBackend(options.backend)
    this.social = options.social
    this.backend = options.backend
    this.name = options.name ?? options.backend
    this.requestOptions = {
      callbackURL: options.callbackURL,
      publicUrl: options.publicUrl,
      requestVerified: options.requestVerified,
    }
  }

  override authenticate(req: PassportRequest): void {
    this.run(req).catch((err: unknown) => this.failed(err))
  }

  private async run(req: PassportRequest): Promise<void> {
    const strategy = requestStrategy(req, this.requestOptions)
    if (!isCallback(this, strategy.requestData())) {
      const started = await this.social.begin(strategy, this.backend)
      if (started.type === 'redirect') this.redirect(started.url, started.status)
      else if (!sendThroughResponse(req, started))
        this.error(new Error('the backend did not redirect'))
      return
    }
    const current = (req.user as User | undefined) ?? null
    const done = await this.social.complete(strategy, this.backend, {
      user: current,
      // passport's `success` logs the user in, below.
      login: () => undefined,
      onError: 'throw',
    })
    const { outcome } = done
    const redirect = done.type === 'redirect' ? done.url : undefined
    if (outcome.kind === 'login') {
      this.success(outcome.user, this.info(outcome, redirect))
    } else if (outcome.kind === 'link' && current) {
      // Linked to the signed-in user, who stays the one signed in.
      this.success(current, this.info(outcome, redirect))
    } else if (done.type === 'redirect') {
      // A paused pipeline (or an inactive user) sends the browser on; no one is logged in.
      this.redirect(done.url, done.status)
    } else if (!sendThroughResponse(req, done)) {
      this.error(new Error('the pipeline answered a page without a response to send it on'))
    }
  }

  private info(
    outcome: Extract<CompleteOutcome, { kind: 'login' | 'link' }>,
    redirect: string | undefined,
  ): SocialAuthInfo {
    return {
      backend: this.backend,
      social: outcome.social && socialAccount(outcome.social),
      isNew: outcome.isNew,
      newAssociation: outcome.newAssociation,
      linked: outcome.kind === 'link',
      redirect,
    }
  }

  private failed(err: unknown): void {
    if (err instanceof SocialAuthError) {
      const failure: SocialAuthFailure = {
        message: err.message,
        code: err.code,
        backend: err.backend ?? this.backend,
      }
      this.fail(failure, err.status)
    } else {
      this.error(err)
    }
  }
}
