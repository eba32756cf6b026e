import { escapeHtml } from '@social-auth/core'

/** The page asking the signed-in user to let a native client act as them. */
export function consentPage(input: {
  readonly action: string
  readonly clientName: string
  readonly account: string
  readonly fields: Record<string, string>
}): string {
  const hidden = Object.entries(input.fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Allow ${escapeHtml(input.clientName)}?</title></head>
<body><main>
<h1>Allow ${escapeHtml(input.clientName)}?</h1>
<p>${escapeHtml(input.clientName)} on this computer asks to sign in as <strong>${escapeHtml(input.account)}</strong>.</p>
<p>Allow it only if you started it yourself, just now.</p>
<form method="post" action="${escapeHtml(input.action)}">
${hidden}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</main></body></html>
`
}
