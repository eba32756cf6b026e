import { escapeHtml } from '@social-auth/core'

/** An HTML page that POSTs `fields` to `action` on load, with a button when scripts are off. */
export interface AutoPostPage {
  readonly html: string
  /** The `Content-Security-Policy` the page needs (its one script, by nonce). */
  readonly csp: string
}

/**
 * The page `GET /begin/:backend` (and the form_post relay) answers: a form that submits itself
 * by POST, so following a link changes nothing on the server, and the POST carries the
 * visitor's CSRF token. No `form-action` directive: the POST's answer redirects to the provider.
 * With `submit: 'button'` it waits for the person to press Continue instead.
 */
export function autoPostPage(
  action: string,
  fields: Record<string, string>,
  nonce: string,
  title: string,
  submit: 'auto' | 'button' = 'auto',
): AutoPostPage {
  const inputs = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n')
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<form id="social-auth-autopost" method="post" action="${escapeHtml(action)}">
${inputs}
<p>${escapeHtml(title)}</p>
${submit === 'auto' ? '<noscript><button type="submit">Continue</button></noscript>' : '<button type="submit">Continue</button>'}
</form>
</main>
${
  submit === 'auto'
    ? `<script nonce="${escapeHtml(nonce)}">document.getElementById('social-auth-autopost').submit()</script>
`
    : ''
}</body>
</html>
`
  return {
    html,
    csp: `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
  }
}
