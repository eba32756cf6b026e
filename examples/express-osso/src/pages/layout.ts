import { escapeHtml } from '@social-auth/core'

/** Escapes text for HTML (element content and double-quoted attributes). */
export const h = escapeHtml

/** The page frame: one stylesheet, no scripts, a skip link and a landmark for the content. */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · Example Co</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a href="/" class="brand">Example Co</a></header>
<main id="main">
${body}
</main>
<footer class="site"><p>A <a href="https://github.com/python-social-auth">Python Social Auth</a> style sign-in, made with social-auth for Node.</p></footer>
</body>
</html>
`
}

/** A hidden CSRF field for a form that changes something. */
export const csrfInput = (token: string): string =>
  `<input type="hidden" name="_csrf" value="${h(token)}">`

/** A one-button POST form (sign in with a provider, disconnect, log out). */
export function postButton(
  action: string,
  label: string,
  csrf: string,
  options: { className?: string; fields?: Record<string, string> } = {},
): string {
  const fields = Object.entries(options.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${h(name)}" value="${h(value)}">`)
    .join('')
  return `<form method="post" action="${h(action)}" class="inline">${csrfInput(csrf)}${fields}<button type="submit"${
    options.className ? ` class="${h(options.className)}"` : ''
  }>${h(label)}</button></form>`
}
