import { markup } from '../html.js'
import type { SafeHtml } from '../html.js'
import type { OssoError } from '../osso-errors.js'
import { layout } from './layout.js'

/**
 * Osso's error page: skull, class name, message, optional documentation link. The meta tag
 * and `data-osso-error` are dev-only hooks so tests need not scrape text.
 */
export function errorPage(error: OssoError, nonce: string): SafeHtml {
  const className = `Osso::Error::${error.name}`
  const docs =
    error.docsUrl === undefined
      ? ''
      : markup`<hr><a href="${error.docsUrl}">Review Documentation</a>`
  return layout(
    markup`<main id="osso-error" data-osso-error="${error.name}">
<h1>☠️</h1>
<h4>${className}</h4>
<p>${error.message}</p>
${docs}
</main>`,
    { nonce, head: markup`<meta name="osso-error" content="${className}">` },
  )
}
