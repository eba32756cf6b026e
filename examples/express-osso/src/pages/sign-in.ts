import { errorMessage } from './error-messages.js'
import { csrfInput, h, layout, postButton } from './layout.js'

/** What the sign-in page shows. */
export interface SignInView {
  readonly csrf: string
  /** Backends other than Osso, each a sign-in button: `[name, label]`. */
  readonly otherBackends: ReadonlyArray<readonly [string, string]>
  readonly error?: string | undefined
  readonly next?: string | undefined
  /** The logged-in user's name, when someone is signed in already. */
  readonly signedInAs?: string | undefined
  /**
   * A sign-in paused by `safe_link_by_email`: the label of the backend whose account waits to
   * be linked, and why it was not linked at once.
   */
  readonly pendingLink?: { readonly label: string; readonly reason: string } | undefined
}

const LINK_REASONS: Record<string, string> = {
  email_not_verified:
    'An account with this email address already exists, and the provider you used does not confirm that the address is yours.',
  ambiguous_email: 'Several accounts use this email address, so we cannot tell which one is yours.',
}

/** The banner of a paused link: why, and what to do (sign in with the existing method). */
function linkBanner(link: NonNullable<SignInView['pendingLink']>): string {
  const why = LINK_REASONS[link.reason] ?? 'An account with this email address already exists.'
  return `<div class="notice" role="status" id="link-banner">
<h2>Link your ${h(link.label)} account</h2>
<p>${h(why)}</p>
<p>Sign in below with the method you already use for that account. Your ${h(link.label)} account will then be linked to it, and you can use either from now on.</p>
</div>`
}

/**
 * `GET /`: the Osso guide's email form (POST to `/begin/osso` with the CSRF token) and a
 * button for every other enabled backend.
 */
export function signInPage(view: SignInView): string {
  const next = view.next ? `<input type="hidden" name="next" value="${h(view.next)}">` : ''
  const alert = view.error
    ? `<div class="alert" role="alert"><p>${h(errorMessage(view.error))}</p><p class="code">Error code: <code>${h(view.error)}</code></p></div>`
    : ''
  const signedIn = view.signedInAs
    ? `<p class="notice">You are signed in as <strong>${h(view.signedInAs)}</strong>. <a href="/profile">Go to your profile</a>.</p>`
    : ''
  const others =
    view.otherBackends.length === 0
      ? ''
      : `<section aria-labelledby="other-heading" class="card">
<h2 id="other-heading">Other ways to sign in</h2>
<ul class="buttons">${view.otherBackends
          .map(
            ([name, label]) =>
              `<li>${postButton(`/begin/${name}`, `Sign in with ${label}`, view.csrf, { fields: view.next ? { next: view.next } : {} })}</li>`,
          )
          .join('')}</ul>
</section>`
  const link = view.pendingLink ? linkBanner(view.pendingLink) : ''
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
${alert}${link}${signedIn}
<section aria-labelledby="sso-heading" class="card">
<h2 id="sso-heading">Single sign-on</h2>
<p>Enter your work email. We will send you to your company’s identity provider.</p>
<form action="/begin/osso" method="post" id="sso-form">
<label for="email">Work email</label>
<input type="email" id="email" name="email" autocomplete="email" required maxlength="254" placeholder="you@company.com">
${csrfInput(view.csrf)}${next}
<button type="submit">Sign in with SSO</button>
</form>
</section>
${others}`,
  )
}
