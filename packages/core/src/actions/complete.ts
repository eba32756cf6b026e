import type { BoundBackend } from '../backends/definition.js'
import { getBackend, type Engine } from '../engine.js'
import { socialAccount } from '../events.js'
import { sessionTimeout } from '../expiration.js'
import { AuthNoUser, type SocialAuthError } from '../errors.js'
import type { PipelineContext, PipelineServices } from '../pipeline/context.js'
import { loadPartialKwargs } from '../pipeline/partial.js'
import { PENDING_LINK_SESSION_KEY, type PendingLink } from '../pipeline/steps/safe-link.js'
import { cleanPartialPipeline, confirmLinkPage } from '../pipeline/partial-resume.js'
import type { PipelineOutcome } from '../pipeline/runner.js'
import { appendQuery } from '../redirects.js'
import { redirect, type ActionResponse } from '../responses.js'
import type { User, UserSocialAuth } from '../storage/types.js'
import type { Strategy } from '../strategy.js'
import { backendCall, partialDecision } from './call.js'
import { withOutcome, type CompleteOutcome, type CompleteResponse } from './complete-outcome.js'
import { errorResponse, type ErrorMode } from './errors.js'
import { runInTransaction } from './run-in-transaction.js'
import { finalRedirect, settingUrl } from './urls.js'

/** What the framework's login function receives. */
export interface LoginInfo {
  readonly user: User
  readonly social: UserSocialAuth | null
  readonly backend: BoundBackend
  readonly isNew: boolean
  /**
   * Seconds the session should last, from `SESSION_EXPIRATION` / `MAX_SESSION_LENGTH`;
   * undefined keeps the framework's default.
   */
  readonly sessionTimeout?: number | undefined
}

/** Options of `complete`. */
export interface CompleteOptions {
  /** The user already logged in to this session, if any (a link rather than a login). */
  readonly user?: User | null
  /** Logs the user in: the framework regenerates the session id and stores the user. */
  readonly login: (info: LoginInfo) => void | Promise<void>
  /** `throw` for JSON APIs; `redirect` (default) sends errors to LOGIN_ERROR_URL. */
  readonly onError?: ErrorMode
}

function runAuth(
  engine: Engine,
  backend: BoundBackend,
  strategy: Strategy,
  initial: Record<string, unknown>,
  startIndex: number,
): Promise<PipelineOutcome<PipelineContext>> {
  const steps = engine.authPipelines.get(backend.name)!
  const makeContext = (services: Pick<PipelineServices, 'storage' | 'emit'>): PipelineContext => ({
    response: {},
    details: {},
    request: strategy.requestData(),
    user: null,
    social: null,
    is_new: false,
    ...initial,
    pipeline_index: startIndex,
    pipelineKind: 'auth',
    strategy,
    backend,
    settings: engine.settings,
    now: engine.now,
    ...services,
  })
  return runInTransaction(engine, steps, makeContext, startIndex)
}

/**
 * The page that finishes a guided link paused for another backend (see `safe_link_by_email`),
 * or undefined. The partial is resumed only by the session that paused it, and only once the
 * person confirms the identity it names.
 */
async function pendingLinkPage(
  engine: Engine,
  strategy: Strategy,
  backend: BoundBackend,
): Promise<ActionResponse | undefined> {
  const pending = strategy.session.get<PendingLink>(PENDING_LINK_SESSION_KEY)
  if (!pending || pending.backend === backend.name || !engine.backends.has(pending.backend))
    return undefined
  const partial = await engine.storage.partial.load(pending.token)
  if (!partial || partial.backend !== pending.backend) {
    strategy.session.pop(PENDING_LINK_SESSION_KEY)
    return undefined
  }
  // The account's login at the provider, else its id there: what the person knows it by.
  const { details, uid } = partial.data.kwargs as {
    details?: { username?: unknown }
    uid?: unknown
  }
  const login =
    typeof details?.username === 'string' && details.username !== ''
      ? details.username
      : typeof uid === 'string' || typeof uid === 'number'
        ? String(uid)
        : ''
  const paused = engine.backends.get(pending.backend)!
  return confirmLinkPage({ strategy, settings: engine.settings, backend: paused }, pending.token, {
    login,
    reason: pending.reason,
  })
}

/** `SESSION_EXPIRATION` / `MAX_SESSION_LENGTH` for this login, from the stored tokens. */
async function loginSessionTimeout(
  engine: Engine,
  backend: BoundBackend,
  social: UserSocialAuth | null,
): Promise<number | undefined> {
  const expiration = backend.setting<boolean>('SESSION_EXPIRATION')
  const maxLength = backend.setting<number | undefined>('MAX_SESSION_LENGTH')
  // Re-read: `load_extra_data` wrote the tokens after the association was loaded.
  const stored =
    expiration && social
      ? await engine.storage.user.getSocialAuth(social.provider, social.uid)
      : null
  return sessionTimeout(stored?.extra_data, { expiration, maxLength }, engine.now())
}

/**
 * Chooses where the browser goes after the pipeline and logs the user in (PSA `do_complete`'s
 * decision table).
 */
async function finish(
  engine: Engine,
  backend: BoundBackend,
  strategy: Strategy,
  context: PipelineContext,
  options: CompleteOptions,
  next: { readonly started: string | undefined; readonly sessionBefore: unknown },
): Promise<CompleteResponse> {
  const session = strategy.session
  const sessionNext = session.pop<string>('next')
  // PSA reads `next` after the pipeline so that a step can change it: a value the pipeline set
  // wins over the one the login started with.
  const changed = sessionNext !== undefined && sessionNext !== next.sessionBefore
  const redirectValue =
    (changed ? sessionNext : undefined) ??
    next.started ??
    sessionNext ??
    strategy.requestData().next
  const user = context.user
  const completed = {
    social: context.social,
    isNew: Boolean(context.is_new),
    // PSA sets it in `social_user` before anything is created: only a row that exists counts.
    newAssociation: context.social !== null && context.new_association === true,
  }
  let outcome: CompleteOutcome
  let url: string | undefined
  if (options.user) {
    // Already logged in: the pipeline linked an account (or did nothing); no new login.
    outcome = { kind: 'link', user: user ?? options.user, ...completed }
    url = user
      ? settingUrl(backend, redirectValue, 'NEW_ASSOCIATION_REDIRECT_URL', 'LOGIN_REDIRECT_URL')
      : settingUrl(backend, redirectValue, 'LOGIN_REDIRECT_URL')
  } else if (!user) {
    throw new AuthNoUser({ backend: backend.name })
  } else {
    const active =
      user.is_active !== false || engine.settings.get<boolean>('ALLOW_INACTIVE_USERS_LOGIN')
    const isNew = completed.isNew
    const logIn = active || backend.setting<boolean>('INACTIVE_USER_LOGIN')
    outcome = { kind: logIn ? 'login' : 'inactive', user, ...completed }
    if (logIn) {
      const timeout = await loginSessionTimeout(engine, backend, context.social)
      await options.login({ user, social: context.social, backend, isNew, sessionTimeout: timeout })
      if (context.social) session.set('social_auth_last_login_backend', context.social.provider)
      engine.events.emit('auth.succeeded', {
        backend: backend.name,
        user,
        social: context.social && socialAccount(context.social),
        isNew,
      })
    }
    const pendingLink = active ? await pendingLinkPage(engine, strategy, backend) : undefined
    // The user signed in with their existing method to link a paused identity: finish that.
    if (pendingLink) return withOutcome(pendingLink, outcome)
    if (!active) {
      url = settingUrl(backend, 'INACTIVE_USER_URL', 'LOGIN_ERROR_URL', 'LOGIN_URL')
    } else {
      url = isNew
        ? settingUrl(backend, 'NEW_USER_REDIRECT_URL', redirectValue, 'LOGIN_REDIRECT_URL')
        : settingUrl(backend, redirectValue, 'LOGIN_REDIRECT_URL')
    }
  }
  if (!url) url = settingUrl(backend, 'LOGIN_REDIRECT_URL') ?? '/'
  if (redirectValue && redirectValue !== url) url = appendQuery(url, { next: redirectValue })
  return withOutcome(redirect(finalRedirect(backend, strategy, url, 'LOGIN_REDIRECT_URL')), outcome)
}

/**
 * Finishes a login at the redirect URI (PSA `do_complete`): resumes a paused pipeline of this
 * session, or completes the provider exchange and runs the pipeline in one transaction, then
 * logs the user in and redirects. The response's `outcome` tells what happened.
 */
export async function complete(
  engine: Engine,
  strategy: Strategy,
  backendName: string,
  options: CompleteOptions,
): Promise<CompleteResponse> {
  try {
    const backend = getBackend(engine, backendName)
    const decision = await partialDecision(engine, strategy, backend, 'auth')
    if (decision.kind === 'response')
      return withOutcome(decision.response, { kind: 'confirm-resume' })

    let outcome: PipelineOutcome<PipelineContext>
    let next: string | undefined
    const sessionNextBefore = strategy.session.get('next')
    if (decision.kind === 'resume') {
      const kwargs = await loadPartialKwargs(decision.partial, engine.storage)
      if (kwargs.user === undefined) kwargs.user = options.user ?? null
      engine.events.emit('partial.resumed', {
        backend: backend.name,
        step: decision.partial.next_step,
      })
      outcome = await runAuth(
        engine,
        backend,
        strategy,
        { ...kwargs, request: decision.request, current_user: options.user ?? null },
        decision.partial.next_step,
      )
      await cleanPartialPipeline(strategy, engine.storage, decision.token)
    } else {
      const result = await backend.definition.complete(backendCall(engine, strategy, backend))
      next = result.next
      outcome = await runAuth(
        engine,
        backend,
        strategy,
        {
          ...result.context,
          response: result.response,
          user: options.user ?? null,
          current_user: options.user ?? null,
        },
        0,
      )
    }
    if (outcome.kind === 'response') {
      return withOutcome(outcome.response, {
        kind: 'paused',
        step: outcome.index,
        stepName: engine.authPipelines.get(backend.name)![outcome.index]!.name,
        partialToken: outcome.context.current_partial?.token,
      })
    }
    return await finish(engine, backend, strategy, outcome.context, options, {
      started: next,
      sessionBefore: sessionNextBefore,
    })
  } catch (err) {
    const response = errorResponse(engine, backendName, err, options.onError ?? 'redirect')
    // Only a coded error comes back as a response; anything else was rethrown.
    return withOutcome(response, { kind: 'failed', error: err as SocialAuthError })
  }
}
