/** The one stylesheet (served at /style.css): readable, high-contrast, no framework. */
export const STYLESHEET = `:root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --accent: #2453c5; --muted: #5a6270; --danger-bg: #fdecec; --danger: #8a1c1c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaee; --bg: #14171c; --card: #1e232b; --accent: #8fb0ff; --muted: #a3abb8; --danger-bg: #3a1f22; --danger: #ffb4b4; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
header.site, footer.site { max-width: 40rem; margin: 0 auto; padding: 1rem 1.25rem; }
footer.site { color: var(--muted); font-size: .875rem; }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
a { color: var(--accent); }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.125rem; margin: 0 0 .75rem; }
.card { background: var(--card); border-radius: .75rem; padding: 1.25rem; margin: 0 0 1rem; box-shadow: 0 1px 3px rgb(0 0 0 / .12); }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=email], input:not([type]) { width: 100%; padding: .6rem .75rem; font: inherit; border: 1px solid var(--muted); border-radius: .5rem; background: var(--bg); color: var(--fg); margin-bottom: .75rem; }
button { font: inherit; font-weight: 600; padding: .6rem 1rem; border-radius: .5rem; border: 0; background: var(--accent); color: #fff; cursor: pointer; }
@media (prefers-color-scheme: dark) { button { color: #10141a; } }
button.secondary { background: transparent; color: var(--accent); border: 1px solid currentColor; }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
form.inline { display: inline; }
ul.buttons { list-style: none; padding: 0; margin: 0; display: flex; gap: .5rem; flex-wrap: wrap; }
table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
th, td { text-align: left; padding: .5rem .25rem; border-bottom: 1px solid rgb(127 127 127 / .25); vertical-align: middle; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.fields dt { font-weight: 600; } dl.fields dd { margin: 0; overflow-wrap: anywhere; }
.alert { background: var(--danger-bg); color: var(--danger); border-radius: .5rem; padding: .75rem 1rem; margin-bottom: 1rem; }
.alert p { margin: 0; } .alert .code { font-size: .875rem; margin-top: .25rem; }
.notice { background: var(--card); border-radius: .5rem; padding: .75rem 1rem; margin-bottom: 1rem; }
.notice h2 { margin: 0 0 .25rem; } .notice p { margin: .25rem 0; }
.field-error { color: var(--danger); margin: -.5rem 0 .75rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`
