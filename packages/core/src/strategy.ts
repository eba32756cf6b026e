/**
 * The framework adapter (PSA's strategy): request data, the session and absolute URIs. The
 * Express package implements it per request; tests use `createTestStrategy`.
 */

/** Request parameters: query and body values as strings. */
export type RequestData = Record<string, string>

/** The server-side session of the current browser. */
export interface Session {
  get<T = unknown>(key: string): T | undefined
  set(key: string, value: unknown): void
  pop<T = unknown>(key: string): T | undefined
  /** A stable id for this browser session; partials are bound to it. */
  readonly id: string
}

/**
 * One request, seen by the engine.
 *
 * @example
 * ```ts
 * const strategy: Strategy = {
 *   requestData: (merge = true) => merge ? { ...req.query, ...req.body } : req.method === 'POST' ? req.body : req.query,
 *   requestHost: () => req.get('host') ?? 'localhost',
 *   requestMethod: () => req.method,
 *   absoluteUri: (path) => new URL(path, `${req.protocol}://${req.get('host')}`).href,
 *   redirectUri: (backend) => `https://app.example.com/complete/${backend}/`,
 *   session,
 * }
 * ```
 */
export interface Strategy {
  /**
   * The request's parameters. With `merge` (the default) query and body merged, the body
   * winning; without it, the body of a POST or the query of a GET (PSA `request_data`).
   */
  requestData(merge?: boolean): RequestData
  /** The request's host with its port, as the browser sent it (e.g. `app.example.com:8443`). */
  requestHost(): string
  /** The HTTP method. */
  requestMethod(): string
  /** Turns a path into an absolute URL for this app (honours PUBLIC_URL / proxies). */
  absoluteUri(path: string): string
  /** The absolute redirect URI (the `complete` route) registered for a backend. */
  redirectUri(backendName: string): string
  /** The session of this browser. */
  readonly session: Session
  /**
   * Whether this request provably comes from the app's own page: a form carrying the
   * visitor's CSRF token, or a request the browser's Fetch Metadata says this origin made.
   * A link or another site's form reaches the complete route with the person's cookie, so
   * when a request that is not verified resumes the session's paused pipeline, the paused
   * step gets none of its input: it runs again and shows its own page. Absent, no request
   * counts as verified.
   */
  requestVerified?(): boolean
}
