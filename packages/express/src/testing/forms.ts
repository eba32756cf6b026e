/** A form found in a page. */
export interface ParsedForm {
  readonly method: 'get' | 'post'
  readonly action: string
  /** Its inputs with a value (hidden fields and pre-filled ones). */
  readonly fields: Record<string, string>
  /** The names of all its inputs and buttons. */
  readonly names: readonly string[]
}

const ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
}

function decode(text: string): string {
  return text.replace(/&(quot|#39|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity)
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)
  return match?.[1] === undefined ? undefined : decode(match[1])
}

/** All forms of a page. */
export function parseForms(page: string): ParsedForm[] {
  return [...page.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/gi)].map(([form]) => {
    const open = /<form\b[^>]*>/i.exec(form)?.[0] ?? ''
    const fields: Record<string, string> = {}
    const names: string[] = []
    for (const [tag] of form.matchAll(/<(?:input|button|textarea|select)\b[^>]*>/gi)) {
      const name = attribute(tag, 'name')
      if (name === undefined) continue
      names.push(name)
      const value = attribute(tag, 'value')
      if (value !== undefined && !/^<button/i.test(tag)) fields[name] = value
    }
    return {
      method: attribute(open, 'method')?.toLowerCase() === 'post' ? 'post' : 'get',
      action: attribute(open, 'action') ?? '',
      fields,
      names,
    }
  })
}

/**
 * The form with this id, or the first whose action matches (a string compares exactly, a
 * RegExp tests); throws with the page when there is none.
 */
export function findForm(
  page: string,
  selector: { id: string } | { action: string | RegExp },
): ParsedForm {
  const forms = [...page.matchAll(/<form\b[^>]*>/gi)].map(([open]) => open)
  const all = parseForms(page)
  const index = forms.findIndex((open) => {
    if ('id' in selector) return attribute(open, 'id') === selector.id
    const action = attribute(open, 'action') ?? ''
    return typeof selector.action === 'string'
      ? action === selector.action
      : selector.action.test(action)
  })
  const form = all[index]
  if (!form)
    throw new Error(
      `no form ${String('id' in selector ? selector.id : selector.action)} in page:\n${page}`,
    )
  return form
}
