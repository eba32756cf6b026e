import { csrfInput, h, layout } from './layout.js'

/** What the username form shows. */
export interface ConfirmUsernameView {
  readonly csrf: string
  readonly backend: string
  readonly partialToken: string
  readonly suggestion: string
  readonly email: string
  readonly problem?: string | undefined
}

const PROBLEMS: Record<string, string> = {
  invalid: 'Use 3 to 30 letters, digits or . _ @ + - characters.',
  taken: 'That username is taken. Please choose another one.',
}

/** The partial step's form: confirm or change the username, then resume the sign-in. */
export function confirmUsernamePage(view: ConfirmUsernameView): string {
  const problem = view.problem ? PROBLEMS[view.problem] : undefined
  return layout(
    'Choose a username',
    `<h1>Welcome!</h1>
<section class="card" aria-labelledby="username-heading">
<h2 id="username-heading">Choose your username</h2>
<p>You are signing in for the first time${view.email ? ` as <strong>${h(view.email)}</strong>` : ''}. Pick the name other people will see.</p>
<form method="post" action="/resume/${h(view.backend)}/" id="username-form">
<label for="username">Username</label>
<input id="username" name="username" value="${h(view.suggestion)}" required minlength="3" maxlength="30" pattern="[A-Za-z0-9_.@+\\-]{3,30}" autocomplete="username"${
      problem ? ' aria-invalid="true" aria-describedby="username-problem"' : ''
    }>
${problem ? `<p id="username-problem" class="field-error">${h(problem)}</p>` : ''}
<input type="hidden" name="partial_token" value="${h(view.partialToken)}">
${csrfInput(view.csrf)}
<button type="submit">Continue</button>
</form>
</section>`,
  )
}
