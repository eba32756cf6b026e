import { markup } from '../html.js'
import type { SafeHtml } from '../html.js'
import type { IdentityProvider } from '../types.js'
import { layout } from './layout.js'

/** Inputs of the auto-submitting SAML step. */
export interface SamlStepInput {
  provider: IdentityProvider
  csrfToken: string
  nonce: string
}

/**
 * The single-IdP page: a POST form to `/auth/saml/<id>` that submits itself. Unlike
 * Osso it has a `<noscript>` button, so it also works with scripts off.
 */
export function samlStepPage({ provider, csrfToken, nonce }: SamlStepInput): SafeHtml {
  return layout(
    markup`<main>
<form id="saml-login-form" method="post" action="/auth/saml/${encodeURIComponent(provider.id)}">
<input type="hidden" name="authenticity_token" value="${csrfToken}">
<noscript><p>Continue to your identity provider.</p><button type="submit">Continue</button></noscript>
</form>
</main>
<script nonce="${nonce}">document.addEventListener('DOMContentLoaded', function () { document.getElementById('saml-login-form').submit() })</script>`,
    { nonce },
  )
}
