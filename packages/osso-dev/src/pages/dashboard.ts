import { SafeHtml, markup } from '../html.js'
import { serviceName } from '../service-name.js'
import type { OssoDevState } from '../state.js'
import type { OssoDevConfig } from '../types.js'
import { layout } from './layout.js'

/** Inputs of the dashboard. */
export interface DashboardInput {
  state: OssoDevState
  config: OssoDevConfig
  nonce: string
}

// A constant, so it is inserted as is (escaping would break the JavaScript).
// Empty optional fields must be absent, not empty: Osso treats `email=` as "email given".
const START_FORM_SCRIPT = `document.getElementById('start-authorize-form').addEventListener('submit', function (event) {
  event.currentTarget.querySelectorAll('input.optional').forEach(function (input) { input.disabled = input.value === '' })
  setTimeout(function () { document.querySelectorAll('input.optional').forEach(function (input) { input.disabled = false }) }, 0)
})`

/**
 * `GET /`: what the server knows (clients, accounts, IdPs, users), a form to start an
 * authorize request, and IdP-initiated login buttons. Real Osso shows its admin UI here.
 */
export function dashboardPage({ state, config, nonce }: DashboardInput): SafeHtml {
  const clients = [...state.clients.values()]
  const providers = [...state.providers.values()]
  const enterprises = [...state.enterprises.values()]

  const clientRows = clients.map((c) => {
    const uris = c.redirectUris.map(
      (r) => markup`<li><code>${r.uri}</code>${r.primary ? ' (primary)' : ''}</li>`,
    )
    const loopback = c.allowLoopbackAnyPort ? markup`<small>any port on loopback IPs</small>` : ''
    return markup`<tr><td>${c.name}</td><td><code>${c.clientId}</code></td><td><code>${c.clientSecret}</code></td><td><ul>${uris}</ul>${loopback}</td></tr>`
  })
  const enterpriseRows = enterprises.map(
    (e) => markup`<tr><td>${e.name}</td><td>${e.domain}</td><td><code>${e.id}</code></td></tr>`,
  )
  const providerRows = providers.map((p) => {
    const initiate = config.devApi
      ? markup`<form method="post" action="/__dev/idp-initiated">
<input type="hidden" name="provider_id" value="${p.id}">
<input type="email" name="email" required placeholder="user@${p.domain}" aria-label="Email for IdP-initiated login">
<button type="submit">IdP-initiated login</button>
</form>`
      : ''
    const client = state.clients.get(p.clientId)?.name ?? p.clientId
    return markup`<tr data-provider-id="${p.id}"><td>${serviceName(p.service)}</td><td>${p.domain}</td><td>${p.status}</td><td>${client}</td><td><code>${p.id}</code></td><td>${initiate}</td></tr>`
  })
  const userRows = state.users.map((u) => {
    const provider = state.providerOf(u)
    const idp =
      provider === undefined ? '' : `${serviceName(provider.service)} (${provider.domain})`
    return markup`<tr><td>${u.email}</td><td><code>${u.id}</code></td><td><code>${u.idpId}</code></td><td>${idp}</td></tr>`
  })
  const clientOptions = clients.map(
    (c) => markup`<option value="${c.clientId}">${c.name} (${c.clientId})</option>`,
  )
  const uriOptions = clients.map((c) => {
    const options = c.redirectUris.map((r) => markup`<option value="${r.uri}">${r.uri}</option>`)
    return markup`<optgroup label="${c.name}">${options}</optgroup>`
  })
  const controlApi = config.devApi
    ? markup`<section><h2>Control API</h2><p><a href="/__dev/state">/__dev/state</a> · POST <code>/__dev/reset</code>, <code>/__dev/next-login</code>, <code>/__dev/clock</code>, <code>/__dev/idp-initiated</code>, <code>/__dev/redirect-uris</code></p></section>`
    : ''

  return layout(
    markup`<main id="osso-dev-dashboard">
<h1>osso-dev</h1>
<p class="dev-note">A local Osso-compatible OAuth server for development and tests (fidelity <code>${config.fidelity}</code>). Real Osso shows its admin UI here.</p>
<section>
<h2>Start an authorize request</h2>
<form id="start-authorize-form" method="get" action="/oauth/authorize">
<label for="start-client">Client</label><select id="start-client" name="client_id">${clientOptions}</select>
<label for="start-redirect">Redirect URI</label><select id="start-redirect" name="redirect_uri">${uriOptions}</select>
<label for="start-email">Email (optional)</label><input id="start-email" type="text" name="email" class="optional">
<label for="start-domain">Domain (optional)</label><input id="start-domain" type="text" name="domain" class="optional">
<label for="start-state">State (optional)</label><input id="start-state" type="text" name="state" class="optional">
<input type="hidden" name="response_type" value="code">
<p><button type="submit">Authorize</button></p>
</form>
</section>
<section><h2>Clients</h2><table><tr><th>Name</th><th>client_id</th><th>client_secret</th><th>Redirect URIs</th></tr>${clientRows}</table></section>
<section><h2>Enterprise accounts</h2><table><tr><th>Name</th><th>Domain</th><th>Id</th></tr>${enterpriseRows}</table></section>
<section><h2>Identity providers</h2><table><tr><th>Service</th><th>Domain</th><th>Status</th><th>Client</th><th>Id</th><th></th></tr>${providerRows}</table></section>
<section><h2>Users</h2><table><tr><th>Email</th><th>Id</th><th>IdP user id</th><th>IdP</th></tr>${userRows}</table></section>
${controlApi}
</main>
<script nonce="${nonce}">${new SafeHtml(START_FORM_SCRIPT)}</script>`,
    { nonce, title: 'osso-dev' },
  )
}
