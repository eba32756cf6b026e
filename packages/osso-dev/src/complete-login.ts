import type { OssoErrorName } from './osso-errors.js'
import type { OssoDevState } from './state.js'
import type { Fidelity, MockIdentity, OAuthSession } from './types.js'

/** Where a finished SAML callback sends the browser, or the error page it shows instead. */
export type LoginOutcome =
  { type: 'redirect'; location: string } | { type: 'error'; name: OssoErrorName; detail?: string }

/** Inputs of {@link completeLogin}. */
export interface CompleteLoginInput {
  providerId: string
  identity: MockIdentity
  /** The browser's OAuth session; `undefined` means IdP-initiated. */
  session: OAuthSession | undefined
  /** Id of that session, so strict mode can delete it. */
  sessionId: string | undefined
}

/** State value Osso sends when the login did not start at the app. */
export const IDP_INITIATED = 'IDP_INITIATED'

/**
 * The SAML callback's logic (`reference/osso.md` §6.3 callback), shared by the mock IdP
 * form, queued next-logins, `autoLogin` and `/__dev/idp-initiated`: validate the asserted
 * attributes, upsert the user, mint a code and build the redirect to the app.
 */
export function completeLogin(
  state: OssoDevState,
  fidelity: Fidelity,
  input: CompleteLoginInput,
): LoginOutcome {
  const provider = state.providers.get(input.providerId)
  if (provider === undefined) return { type: 'error', name: 'InvalidACSURLError' }
  // A PENDING IdP has no certificate yet, so a real SAML response could not validate.
  if (provider.status === 'PENDING') return { type: 'error', name: 'SamlConfigError' }

  const { identity, session } = input
  // A simulation names exactly what the SAML response lacks.
  if (identity.simulate === 'saml_error') return { type: 'error', name: 'SamlConfigError' }
  if (identity.simulate === 'missing_id')
    return { type: 'error', name: 'MissingSamlIdAttributeError' }
  if (identity.simulate === 'missing_email') {
    return { type: 'error', name: 'MissingSamlEmailAttributeError' }
  }
  const email = identity.email ?? ''
  // The mock IdP fills a blank idp_id the way a real IdP always sends one; without an
  // email there is nothing to key it on, which leaves Osso's id-first check observable.
  const idpId =
    identity.idpId !== undefined && identity.idpId !== ''
      ? identity.idpId
      : email !== ''
        ? state.stableIdpId(provider.id, email)
        : ''
  if (idpId === '') return { type: 'error', name: 'MissingSamlIdAttributeError' }
  if (email === '') return { type: 'error', name: 'MissingSamlEmailAttributeError' }

  const strict = fidelity === 'strict'
  const idpInitiated =
    session === undefined || (session.redirectUri === undefined && session.state === undefined)
  const base =
    session?.redirectUri ??
    state.clients.get(provider.clientId)?.redirectUris.find((r) => r.primary)?.uri
  // Real Osso crashes (500) without a primary URI; an error page says more.
  if (base === undefined) return { type: 'error', name: 'SamlConfigError' }

  provider.status = 'ACTIVE'
  const user = state.upsertUser(provider, email, idpId, strict)
  const code = state.issueCode({
    clientId: provider.clientId,
    redirectUri: base,
    requested: session?.requested ?? null,
    userId: user.id,
  })
  const stateValue = idpInitiated ? IDP_INITIATED : (session?.state ?? '')
  if (session !== undefined) {
    session.requested = undefined
    session.state = undefined
    if (strict) {
      session.redirectUri = undefined
      session.clientId = undefined
      if (input.sessionId !== undefined) state.sessions.delete(input.sessionId)
    }
    // osso-0.1.2 keeps redirectUri on purpose: a later IdP-initiated login in the same
    // browser then goes to the old URI with an empty state, as in real Osso.
  }
  return { type: 'redirect', location: buildLocation(base, code.code, stateValue, strict) }
}

function buildLocation(base: string, code: string, stateValue: string, strict: boolean): string {
  if (strict) {
    try {
      const url = new URL(base)
      url.searchParams.set('code', code)
      url.searchParams.set('state', stateValue)
      return url.toString()
    } catch {
      // A registered URI that is not absolute still gets a correctly encoded query.
      const query = new URLSearchParams({ code, state: stateValue }).toString()
      return headerSafe(`${base}${base.includes('?') ? '&' : '?'}${query}`)
    }
  }
  // Osso concatenates: always `?`, state unescaped. Only what a header cannot carry
  // (controls, spaces, non-ASCII) is percent-encoded, so the quirk stays visible.
  return headerSafe(`${base}?code=${code}&state=${stateValue}`)
}

function headerSafe(value: string): string {
  // Via Buffer rather than encodeURIComponent, which throws on a lone surrogate.
  return value.replace(/[^\x21-\x7e]+/g, (chars) =>
    [...Buffer.from(chars, 'utf8')]
      .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  )
}
