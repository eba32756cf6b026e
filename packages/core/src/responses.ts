/**
 * Framework-free responses. Actions and pipeline steps return these; a framework adapter
 * (`@social-auth/express`) turns them into HTTP. A step's return value is a response only when
 * it was built here, so a plain object is never mistaken for one.
 */

const RESPONSE = Symbol.for('social-auth.response')

/** Send the browser elsewhere. */
export interface RedirectResponse {
  readonly type: 'redirect'
  readonly url: string
  readonly status?: 302 | 303
  readonly [RESPONSE]: true
}

/** Render a page (e.g. an auto-submitting form, a partial step's form). */
export interface HtmlResponse {
  readonly type: 'html'
  readonly html: string
  readonly status: number
  readonly [RESPONSE]: true
}

/** Answer JSON (API clients). */
export interface JsonResponse {
  readonly type: 'json'
  readonly body: unknown
  readonly status: number
  readonly [RESPONSE]: true
}

/** Anything an action or a pausing step hands back to the framework. */
export type ActionResponse = RedirectResponse | HtmlResponse | JsonResponse

/** A redirect response. @example `return redirect('/choose-username')` */
export function redirect(url: string, status?: 302 | 303): RedirectResponse {
  return status === undefined
    ? { type: 'redirect', url, [RESPONSE]: true }
    : { type: 'redirect', url, status, [RESPONSE]: true }
}

/** An HTML response. @example `return html('<form>…</form>')` */
export function html(body: string, status = 200): HtmlResponse {
  return { type: 'html', html: body, status, [RESPONSE]: true }
}

/** A JSON response. @example `return json({ error: 'ERR_AUTH_CANCELED' }, 401)` */
export function json(body: unknown, status = 200): JsonResponse {
  return { type: 'json', body, status, [RESPONSE]: true }
}

/** True for values built by {@link redirect}, {@link html} or {@link json}. */
export function isActionResponse(value: unknown): value is ActionResponse {
  return typeof value === 'object' && value !== null && RESPONSE in value
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
