import { markup } from '../html.js'
import type { SafeHtml } from '../html.js'

/** What every page needs besides its body. */
export interface LayoutOptions {
  /** CSP nonce for the page's inline scripts and styles. */
  nonce: string
  /** Extra `<head>` content (e.g. the `osso-error` meta tag). */
  head?: SafeHtml
  /** Document title; Osso's layout says "SAML SSO Login". */
  title?: string
}

// Own minimal styling (the clean-room rule forbids Osso's CSS); readable without it too.
const STYLE = `
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem}form{margin:.75rem 0}label{display:block;margin:.5rem 0 .25rem}
input[type=email],input[type=text],input[type=password],select{padding:.4rem;width:100%;max-width:24rem;box-sizing:border-box}
button,input[type=submit]{padding:.4rem .9rem;margin:.25rem .25rem .25rem 0;cursor:pointer}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}td,th{border:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.dev-note{font-size:.85rem;color:#665;border-left:3px solid #cb8;padding-left:.5rem}
section{margin-top:1.5rem}code{font-size:.85rem}
`

/** Wraps a page body in the shared HTML document. */
export function layout(body: SafeHtml, options: LayoutOptions): SafeHtml {
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title ?? 'SAML SSO Login'}</title>
${options.head}
<style nonce="${options.nonce}">${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`
}
