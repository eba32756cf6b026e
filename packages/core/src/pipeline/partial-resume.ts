import { redirectUri } from '../absolute-uri.js'
import type { BoundBackend } from '../backends/definition.js'
import { randomString, timingSafeEqualStrings } from '../random.js'
import { escapeHtml, html, type ActionResponse } from '../responses.js'
import type { SettingsResolver } from '../settings/resolver.js'
import type { PartialRecord, Storage } from '../storage/types.js'
import type { LinkRefusalReason } from '../errors.js'
import type { PipelineKind } from './context.js'
import type { RequestData, Strategy } from '../strategy.js'
import { PARTIAL_TOKEN_SESSION_KEY } from './partial.js'

const PENDING_TOKEN = 'partial_pipeline_pending_token'
const PENDING_REQUEST = 'partial_pipeline_pending_request'
const PENDING_CONFIRMATION = 'partial_pipeline_pending_confirmation'
const CONFIRM_NONCE = 'partial_pipeline_confirm_nonce'

/** The decision taken at the top of `complete` and `disconnect` (PSA `partial_pipeline_result`). */
export type PartialDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'halt' }
  | { readonly kind: 'response'; readonly response: ActionResponse }
  | {
      readonly kind: 'resume'
      readonly partial: PartialRecord
      readonly token: string
      readonly request: RequestData
    }

/** Everything the decision needs. */
export interface PartialResumeInput {
  readonly strategy: Strategy
  readonly storage: Storage
  readonly backend: BoundBackend
  readonly settings: SettingsResolver
  readonly now: number
  /** The pipeline this request would run: a partial of the other kind is left alone. */
  readonly kind: PipelineKind
}

/** Destroys a partial and forgets it in the session (PSA `clean_partial_pipeline`). */
export async function cleanPartialPipeline(
  strategy: Strategy,
  storage: Storage,
  token: string,
): Promise<void> {
  await storage.partial.destroy(token)
  const session = strategy.session
  if (session.get(PARTIAL_TOKEN_SESSION_KEY) === token) session.pop(PARTIAL_TOKEN_SESSION_KEY)
  if (session.get(PENDING_TOKEN) === token) {
    session.pop(PENDING_TOKEN)
    session.pop(PENDING_REQUEST)
    session.pop(PENDING_CONFIRMATION)
  }
}

/** What a confirmation page says: its title, its explanation and its button. */
interface ConfirmationText {
  readonly title: string
  readonly message: string
  readonly button: string
}

const RESUME_TEXT: ConfirmationText = {
  title: 'Continue signing in?',
  message: 'You opened a sign-in link. Continue only if you started this sign-in yourself.',
  button: 'Continue',
}

/** The page asking the person to confirm: a POST back to the paused backend's route. */
function confirmationPage(
  action: string,
  parameter: string,
  nonce: string,
  text: ConfirmationText,
): ActionResponse {
  return html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(text.title)}</title></head>
<body><main>
<h1>${escapeHtml(text.title)}</h1>
<p>${escapeHtml(text.message)}</p>
<form id="social-auth-confirm" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="${escapeHtml(parameter)}" value="1">
<input type="hidden" name="${CONFIRM_NONCE}" value="${escapeHtml(nonce)}">
<button type="submit">${escapeHtml(text.button)}</button>
</form>
</main></body></html>`)
}

/**
 * Keeps `token` (and the request that would resume it) pending in the session and answers the
 * page that resumes it once the person confirms: a POST with a one-time nonce, which neither a
 * link nor another site's form can supply.
 */
function askToConfirm(
  input: Pick<PartialResumeInput, 'strategy' | 'settings' | 'backend'>,
  token: string,
  request: RequestData,
  text: ConfirmationText,
): ActionResponse {
  const session = input.strategy.session
  const nonce = randomString(32)
  session.set(PENDING_TOKEN, token)
  session.set(PENDING_REQUEST, { ...request })
  session.set(PENDING_CONFIRMATION, nonce)
  const parameter = input.backend.setting<string>(
    'PARTIAL_PIPELINE_EXTERNAL_RESUME_CONFIRMATION_PARAMETER',
  )
  return confirmationPage(
    redirectUri(input.settings, input.strategy, input.backend.name),
    parameter,
    nonce,
    text,
  )
}

function requireConfirmation(
  input: PartialResumeInput,
  token: string,
  request: RequestData,
): PartialDecision {
  return { kind: 'response', response: askToConfirm(input, token, request, RESUME_TEXT) }
}

/** Why a guided link was not made at once, as the confirmation page says it. */
const NOT_LINKED_BECAUSE: Record<LinkRefusalReason, (backend: string) => string> = {
  email_not_verified: (backend) => `${backend} did not confirm that its email address is yours`,
  ambiguous_email: () => 'several accounts here share its email address',
  account_mismatch: () => 'it names another account',
}

/**
 * The page that finishes a guided link (see `safe_link_by_email`) once the person has signed in
 * with their existing method: it names the paused account by its login at the provider (never
 * by the email, which matched this account by design and says nothing of whose it is), says
 * why it was not linked at once, and links it only when they confirm. The paused link may not
 * be theirs: a session cookie planted in their browser carries someone else's paused identity
 * into their sign-in.
 */
export function confirmLinkPage(
  input: Pick<PartialResumeInput, 'strategy' | 'settings' | 'backend'>,
  token: string,
  account: { readonly login: string; readonly reason: LinkRefusalReason },
): ActionResponse {
  const name = input.backend.name
  return askToConfirm(
    input,
    token,
    {},
    {
      title: `Link your ${name} account?`,
      message: `You are signed in. Link the ${name} account “${account.login}” to this account, so that you can sign in with either? It was not linked at once because ${NOT_LINKED_BECAUSE[account.reason](name)}: link it only if you yourself just signed in with ${name} as “${account.login}”.`,
      button: 'Link account',
    },
  )
}

/** A POST carrying the confirmation parameter and the nonce this session was given. */
function externalResumeConfirmed(input: PartialResumeInput, data: RequestData): boolean {
  const expected = input.strategy.session.get<string>(PENDING_CONFIRMATION)
  const given = data[CONFIRM_NONCE]
  return (
    input.strategy.requestMethod().toUpperCase() === 'POST' &&
    typeof expected === 'string' &&
    typeof given === 'string' &&
    timingSafeEqualStrings(expected, given)
  )
}

/** The pipeline a partial belongs to; records written without the field are auth partials. */
const kindOf = (partial: PartialRecord): PipelineKind => partial.data.pipeline ?? 'auth'

/**
 * Whether the request is a provider's redirect back rather than the app's own form for a
 * paused step: any of the backend's `callbackParameters`, or by default OAuth2's shape,
 * `state` with `code` or `error` (RFC 6749 §4.1.2). A partial step's form may well have a
 * `code` field (a one-time code) or a `state` field (an address) alone.
 */
export function isProviderCallback(backend: BoundBackend, data: RequestData): boolean {
  const declared = backend.definition.callbackParameters
  if (declared) return declared.some((name) => name in data)
  return 'state' in data && ('code' in data || 'error' in data)
}

/**
 * Decides whether this request resumes a paused pipeline. Follows social-core 5.x: a partial
 * resumes only in the session that paused it, or after an explicit confirmation when it
 * allows external resume. One deliberate change: a fresh provider callback (see
 * `isProviderCallback`) without an explicit token never resumes the session's stale partial
 * (social-core#136); the stale partial is dropped and the callback runs normally.
 */
export async function decidePartialResume(input: PartialResumeInput): Promise<PartialDecision> {
  const { strategy, storage, backend } = input
  const session = strategy.session
  let data = strategy.requestData()
  const requestToken = data[backend.setting<string>('PARTIAL_PIPELINE_TOKEN_NAME')] || undefined
  const sessionToken = session.get<string>(PARTIAL_TOKEN_SESSION_KEY)
  const pendingToken = session.get<string>(PENDING_TOKEN)
  const confirmParameter = backend.setting<string>(
    'PARTIAL_PIPELINE_EXTERNAL_RESUME_CONFIRMATION_PARAMETER',
  )
  const confirmationRequested = confirmParameter in data

  let token: string | undefined
  let owned = false
  let pendingResume = false
  if (confirmationRequested && pendingToken) {
    token = requestToken ?? pendingToken
    owned = pendingResume = token === pendingToken
  } else if (requestToken !== undefined) {
    token = requestToken
    owned = requestToken === sessionToken
  } else {
    token = sessionToken
    owned = token !== undefined
  }
  if (token === undefined) return { kind: 'none' }
  const halt = requestToken !== undefined || confirmationRequested

  if (!halt && isProviderCallback(backend, data)) {
    const stale = await storage.partial.load(token)
    // Only this backend's stale partial is dropped: another backend's may be waiting for this
    // very login (a guided link resumes after the user signs in with their existing method).
    if (!stale || (kindOf(stale) === input.kind && stale.backend === backend.name)) {
      await cleanPartialPipeline(strategy, storage, token)
    }
    return { kind: 'none' }
  }

  if (pendingResume) {
    if (!externalResumeConfirmed(input, data)) return { kind: 'halt' }
    const pending = session.get<RequestData>(PENDING_REQUEST) ?? {}
    const { [confirmParameter]: _confirm, [CONFIRM_NONCE]: _nonce, ...rest } = data
    data = { ...pending, ...rest }
  }

  const partial = await storage.partial.load(token)
  // A paused link must not resume as a disconnect (it would skip allowed_to_disconnect), nor
  // the reverse; the other pipeline's partial stays for its own action.
  if (partial && kindOf(partial) !== input.kind) return halt ? { kind: 'halt' } : { kind: 'none' }
  const ttlSeconds = input.settings.get<number>('PARTIAL_PIPELINE_TTL')
  const idKey = backend.idKey()
  const matches =
    partial !== null &&
    partial.backend === backend.name &&
    input.now - partial.timestamp.getTime() <= ttlSeconds * 1000 &&
    (!(idKey in data) || data[idKey] === partial.data.kwargs.uid)

  if (partial && matches) {
    const external = partial.data.allow_external_resume === true
    if (
      external &&
      !pendingResume &&
      (requestToken !== undefined || Object.keys(data).length > 0)
    ) {
      return requireConfirmation(input, token, data)
    }
    if (owned) {
      // A link or another site's form reaches this route with the person's cookie: what it
      // carries must not feed their paused step unless it came from the app's own page. The
      // step runs without it and shows its own page again; asking "continue?" would not help,
      // since the person did start this sign-in and would say yes to the attacker's input.
      if (!pendingResume && strategy.requestVerified?.() !== true) {
        const tokenName = backend.setting<string>('PARTIAL_PIPELINE_TOKEN_NAME')
        const bare = requestToken === undefined ? {} : { [tokenName]: requestToken }
        return { kind: 'resume', partial, token, request: bare }
      }
      return { kind: 'resume', partial, token, request: data }
    }
    if (external) return requireConfirmation(input, token, data)
    // Someone else's token: refuse, and leave the partial to its owner (login CSRF defence).
    return { kind: 'halt' }
  }
  const othersPartial = partial !== null && partial.backend !== backend.name && !halt
  if (owned && !othersPartial) await cleanPartialPipeline(strategy, storage, token)
  return halt ? { kind: 'halt' } : { kind: 'none' }
}
