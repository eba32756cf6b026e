import type { User, UserSocialAuth } from '@social-auth/core'
import { errorMessage } from './error-messages.js'
import { h, layout, postButton } from './layout.js'

/** What the profile page shows. */
export interface ProfileView {
  readonly user: User
  readonly accounts: readonly UserSocialAuth[]
  /** Backends the user has not linked yet: `[name, label]`. */
  readonly linkable: ReadonlyArray<readonly [string, string]>
  readonly labels: ReadonlyMap<string, string>
  readonly csrf: string
  readonly error?: string | undefined
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/** The `/profile` JSON (DESIGN.md): the user and the linked accounts, nothing secret. */
export function profileJson(user: User, accounts: readonly UserSocialAuth[]): unknown {
  return {
    user: {
      // A string on every database (PostgreSQL's bigint ids arrive as strings, SQLite's as
      // numbers), as the token's `sub` is: a JSON client sees one type.
      id: String(user.id),
      username: user.username ?? null,
      email: user.email ?? null,
      first_name: user.first_name ?? null,
      last_name: user.last_name ?? null,
    },
    social: accounts.map((account) => ({ provider: account.provider, uid: account.uid })),
  }
}

/** `GET /profile`: who you are, your linked accounts with disconnect buttons, and logout. */
export function profilePage(view: ProfileView): string {
  const { user } = view
  const name = [text(user.first_name), text(user.last_name)].filter(Boolean).join(' ')
  const rows = view.accounts
    .map((account) => {
      const lastLogin = text(account.extra_data.last_login)
      const idp = text(account.extra_data.idp)
      return `<tr>
<th scope="row">${h(view.labels.get(account.provider) ?? account.provider)}</th>
<td><code>${h(account.uid)}</code></td>
<td>${lastLogin ? `<time datetime="${h(lastLogin)}">${h(lastLogin.replace('T', ' ').slice(0, 16))} UTC</time>` : '—'}${idp ? ` via ${h(idp)}` : ''}</td>
<td>${postButton(`/disconnect/${account.provider}/${account.id}/`, 'Disconnect', view.csrf, { className: 'secondary', fields: { next: '/profile' } })}</td>
</tr>`
    })
    .join('\n')
  const alert = view.error
    ? `<div class="alert" role="alert"><p>${h(errorMessage(view.error))}</p><p class="code">Error code: <code>${h(view.error)}</code></p></div>`
    : ''
  const link =
    view.linkable.length === 0
      ? ''
      : `<h2>Link another account</h2><ul class="buttons">${view.linkable
          .map(
            ([backend, label]) =>
              `<li>${postButton(`/begin/${backend}`, `Link ${label}`, view.csrf, { className: 'secondary' })}</li>`,
          )
          .join('')}</ul>`
  return layout(
    'Your profile',
    `<h1>Your profile</h1>
${alert}
<section class="card" aria-labelledby="you-heading">
<h2 id="you-heading">You</h2>
<dl class="fields">
<dt>Email</dt><dd id="profile-email">${h(text(user.email))}</dd>
<dt>Username</dt><dd id="profile-username">${h(text(user.username))}</dd>
${name ? `<dt>Name</dt><dd>${h(name)}</dd>` : ''}
</dl>
</section>
<section class="card" aria-labelledby="accounts-heading">
<h2 id="accounts-heading">Linked accounts</h2>
<table>
<caption class="visually-hidden">Accounts you can sign in with</caption>
<thead><tr><th scope="col">Provider</th><th scope="col">Account id</th><th scope="col">Last sign-in</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${link}
</section>
${postButton('/logout', 'Sign out', view.csrf)}`,
  )
}
