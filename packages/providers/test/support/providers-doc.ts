import { knownSettings } from '@social-auth/core'
import { providerCatalogue } from '../../src/index.js'

const settingPrefix = (name: string): string =>
  `SOCIAL_AUTH_${name.toUpperCase().replace(/-/g, '_')}_`

const cell = (text: string): string => text.replace(/\|/g, '\\|')

/** docs/providers.md, rendered from `providerCatalogue` and the settings registry. */
export function providersMarkdown(): string {
  const settings = knownSettings()
  const lines: string[] = [
    '# Providers',
    '',
    '<!-- Generated from `providerCatalogue` (packages/providers/src/catalogue.ts) by',
    'packages/providers/test/providers-doc.test.ts, which fails when this file is stale. Refresh:',
    'UPDATE_PROVIDERS_DOC=1 node --experimental-vm-modules node_modules/jest/bin/jest.js packages/providers/test/providers-doc -->',
    '',
    'First-class backends of `@social-auth/providers`. List one in `AUTHENTICATION_BACKENDS` by its',
    "factory (`github()`), by its PSA dotted path (`'social_core.backends.github.GithubOAuth2'`), or",
    "as `'@social-auth/providers#github'`. Each reads `SOCIAL_AUTH_<NAME>_KEY` and",
    '`SOCIAL_AUTH_<NAME>_SECRET`, plus the OAuth2/OIDC settings every backend has (`SCOPE`,',
    '`IGNORE_DEFAULT_SCOPE`, `AUTH_EXTRA_ARGUMENTS`, `USE_PKCE`, `EXTRA_DATA`, …; see the oauth',
    'package) and the provider settings below. PKCE (S256) is sent to every provider.',
    '',
    '**Verified-email rule.** `associate_by_email` links a login to an existing account by email',
    'only when the backend is a verified-email *authority* and the rule below says this email is',
    'verified (see [Account linking](security.md#account-linking)).',
    '`SOCIAL_AUTH_<NAME>_ASSOCIATE_BY_EMAIL_TRUST_PROVIDER` overrides the authority flag either way;',
    'the verification rule still applies.',
    '',
    '| Provider | Name | PSA dotted path | Default scope | uid | Verified-email rule |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  for (const entry of providerCatalogue) {
    const backend = entry.factory()
    const scope = (backend.spec.defaultScope ?? []).map((s) => `\`${s}\``).join(' ') || '—'
    const paths = entry.dottedPaths
      .map((p) => `\`${p}\`${entry.inSocialCore ? '' : ' †'}`)
      .join('<br>')
    lines.push(
      `| ${entry.title} | \`${backend.name}\` | ${paths} | ${scope} | ${cell(entry.uid)} | ${cell(entry.emailRule)} |`,
    )
  }
  lines.push(
    '',
    '† Not a social-core class: social-core has no such backend, so the dotted path is ours, named',
    'the way PSA names its classes.',
    '',
    '## Settings',
    '',
  )
  for (const entry of providerCatalogue) {
    const name = entry.factory().name
    const prefix = settingPrefix(name)
    lines.push(`### ${entry.title} (\`${name}\`, export \`${entry.exportName}\`)`, '')
    lines.push(`- \`${prefix}KEY\`, \`${prefix}SECRET\`: the client credentials.`)
    for (const setting of entry.settings) {
      const doc = settings.get(setting)?.doc ?? ''
      lines.push(`- \`${prefix}${setting}\`: ${doc}`)
    }
    lines.push('')
  }
  return lines.join('\n')
}
