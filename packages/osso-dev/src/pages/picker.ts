import { markup } from '../html.js'
import type { SafeHtml } from '../html.js'
import { serviceName } from '../service-name.js'
import type { Params } from '../request-params.js'
import type { IdentityProvider } from '../types.js'
import { layout } from './layout.js'

/** Inputs of the provider picker. */
export interface PickerInput {
  providers: IdentityProvider[]
  /** The authorize query; echoed as hidden fields (ignored on submit, as in Osso). */
  query: Params
  csrfToken: string
  nonce: string
}

/** "Please select your Identity Provider": one POST form per IdP. */
export function pickerPage({ providers, query, csrfToken, nonce }: PickerInput): SafeHtml {
  const echoed = (['redirect_uri', 'client_id', 'state'] as const).map(
    (name) => markup`<input type="hidden" name="${name}" value="${query[name] ?? ''}">`,
  )
  const forms = providers.map(
    (p) => markup`<form method="post" action="/auth/saml/${encodeURIComponent(p.id)}">
<input type="hidden" name="authenticity_token" value="${csrfToken}">
${echoed}
<input type="hidden" name="response_type" value="code">
<button type="submit" data-provider-id="${p.id}" data-service="${p.service}">${serviceName(p.service)}</button>
</form>`,
  )
  return layout(
    markup`<main id="provider-picker">
<h1>Please select your Identity Provider</h1>
${forms}
</main>`,
    { nonce },
  )
}
