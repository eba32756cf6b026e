import { markup } from '../html.js'
import type { SafeHtml } from '../html.js'
import { serviceName } from '../service-name.js'
import type { Client, IdentityProvider, User } from '../types.js'
import { layout } from './layout.js'

/** Inputs of the mock IdP login page. */
export interface MockIdpInput {
  provider: IdentityProvider
  client: Client | undefined
  users: User[]
  nonce: string
}

const SIMULATIONS = [
  ['missing_email', 'Simulate missing email attribute'],
  ['missing_id', 'Simulate missing id attribute'],
  ['saml_error', 'Simulate SAML error'],
] as const

/**
 * Stands in for the enterprise IdP: pick a known user or type any email (like Osso's own
 * mock IdP, it "accepts any information"), or simulate a broken SAML response. Every form
 * posts to the ACS callback, as an IdP's auto-POST would.
 */
export function mockIdpPage({ provider, client, users, nonce }: MockIdpInput): SafeHtml {
  const callback = `/auth/saml/${encodeURIComponent(provider.id)}/callback`
  const service = serviceName(provider.service)
  const known = users.map(
    (u) => markup`<li><form method="post" action="${callback}">
<input type="hidden" name="email" value="${u.email}">
<input type="hidden" name="idp_id" value="${u.idpId}">
<button type="submit" class="mock-idp-user" data-email="${u.email}">Sign in as ${u.email}</button>
</form></li>`,
  )
  const simulations = SIMULATIONS.map(
    ([value, label]) =>
      markup`<button type="submit" name="simulate" value="${value}" data-simulate="${value}">${label}</button>`,
  )
  const knownList =
    known.length === 0
      ? markup`<p>No users have signed in through this IdP yet.</p>`
      : markup`<ul>${known}</ul>`
  return layout(
    markup`<main id="mock-idp" data-provider-id="${provider.id}" data-service="${provider.service}">
<h1>Osso dev IdP — ${service} for ${provider.domain} (client ${client?.name ?? provider.clientId})</h1>
<p class="dev-note">osso-dev only: this page replaces the SAML round trip to a real identity provider. Any email is accepted.</p>
<section id="mock-idp-users">
<h2>Existing users</h2>
${knownList}
</section>
<section>
<h2>Sign in as anyone</h2>
<form id="mock-idp-form" method="post" action="${callback}">
<label for="mock-idp-email">Email</label>
<input id="mock-idp-email" type="email" name="email" required autocomplete="off" placeholder="you@${provider.domain}">
<label for="mock-idp-idp-id">IdP user id (optional; a stable id per email when blank)</label>
<input id="mock-idp-idp-id" type="text" name="idp_id" autocomplete="off">
<label for="mock-idp-password">Password (ignored)</label>
<input id="mock-idp-password" type="password" name="password" autocomplete="off">
<input id="hosted-login-button" type="submit" value="Sign in">
</form>
</section>
<section>
<h2>Simulate a failure</h2>
<form id="mock-idp-simulate" method="post" action="${callback}">
${simulations}
</form>
</section>
</main>`,
    { nonce, title: `Osso dev IdP — ${service}` },
  )
}
