/**
 * Escaping-by-default HTML building. Every interpolated value is escaped unless it is
 * already {@link SafeHtml}, so a hostile `state` or `email` can never inject markup; real
 * Osso does not escape, this server must (`reference/osso.md` §6.3).
 */

/** A string known to be safe HTML (produced by {@link markup}). */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value
  }
}

/** Interpolation values {@link markup} accepts; arrays are concatenated, nullish render empty. */
export type HtmlValue =
  string | number | boolean | SafeHtml | null | undefined | readonly HtmlValue[]

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('')
  return escapeHtml(String(value))
}

/**
 * Tagged template that escapes every interpolation. Not named `html`, because Prettier
 * would then reformat the templates as HTML and change the markup tests match on.
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '')
  })
  return new SafeHtml(out)
}
