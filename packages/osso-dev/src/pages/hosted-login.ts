import { markup } from '../html.js'
import type { SafeHtml } from '../html.js'
import type { Params } from '../request-params.js'
import type { User } from '../types.js'
import { layout } from './layout.js'

/** Inputs of the hosted login page. */
export interface HostedLoginInput {
  /** The authorize query, echoed into hidden fields and the dev users' links. */
  query: Params
  /** Users offered as one-click links in the dev panel. */
  users: User[]
  nonce: string
}

const ECHOED = ['redirect_uri', 'client_id', 'state'] as const

/**
 * Osso's "Please enter your email address" page. The form re-submits to
 * `/oauth/authorize` with only `email` added, so `requested.domain` becomes null.
 */
export function hostedLoginPage({ query, users, nonce }: HostedLoginInput): SafeHtml {
  const hidden = ECHOED.filter((name) => Object.hasOwn(query, name)).map(
    (name) => markup`<input type="hidden" name="${name}" value="${query[name]}">`,
  )
  const links = users.map((user) => {
    const params = new URLSearchParams()
    for (const name of [...ECHOED, 'response_type'] as const) {
      const value = query[name]
      if (value !== undefined) params.set(name, value)
    }
    params.set('email', user.email)
    return markup`<li><a href="/oauth/authorize?${params.toString()}" data-email="${user.email}">${user.email}</a></li>`
  })
  return layout(
    markup`<main>
<h1>Please enter your email address</h1>
<form id="hosted-login-form" method="get" action="/oauth/authorize">
<label for="email-input">Work email</label>
<input id="email-input" type="email" name="email" required placeholder="you@company.com" pattern="[^@]+@[^@]+\\.[a-zA-Z]{2,6}" autocomplete="email">
${hidden}
<input type="hidden" name="response_type" value="code">
</form>
<button type="button" id="go-back-button">Go back</button>
<input id="hosted-login-button" type="submit" value="Sign in" form="hosted-login-form">
<section id="osso-dev-users">
<h2>Dev users</h2>
<p class="dev-note">osso-dev only: this panel does not exist in real Osso. Each link signs in as that user.</p>
<ul>${links}</ul>
</section>
</main>
<script nonce="${nonce}">document.getElementById('go-back-button').addEventListener('click', function () { history.go(-1) })</script>`,
    { nonce },
  )
}
