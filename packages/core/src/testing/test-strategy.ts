import type { RequestData, Session, Strategy } from '../strategy.js'

/** A session kept in a Map, with an id. */
export class MemorySession implements Session {
  readonly values = new Map<string, unknown>()
  id: string

  constructor(id = crypto.randomUUID()) {
    this.id = id
  }

  get<T = unknown>(key: string): T | undefined {
    return this.values.get(key) as T | undefined
  }

  set(key: string, value: unknown): void {
    this.values.set(
      key,
      value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown),
    )
  }

  pop<T = unknown>(key: string): T | undefined {
    const value = this.values.get(key) as T | undefined
    this.values.delete(key)
    return value
  }
}

/** A strategy whose request can be changed between calls, like a browser making requests. */
export interface TestStrategy extends Strategy {
  readonly session: MemorySession
  /**
   * Sets the next request: its method, query and body, and whether it comes from the app's
   * own page (`verified`, default true: a test's requests are the app's forms unless it says).
   */
  request(input: {
    method?: string
    query?: RequestData
    body?: RequestData
    verified?: boolean
  }): TestStrategy
}

/**
 * A strategy for tests (PSA's `TestStrategy`): host `myapp.com`, redirect URIs
 * `http://myapp.com/complete/<backend>/`.
 *
 * @example
 * ```ts
 * const strategy = createTestStrategy().request({ method: 'POST', body: { next: '/after' } })
 * await social.begin(strategy, 'dummy')
 * ```
 */
export function createTestStrategy(
  options: { host?: string; session?: MemorySession } = {},
): TestStrategy {
  const host = options.host ?? 'myapp.com'
  let method = 'GET'
  let query: RequestData = {}
  let body: RequestData = {}
  let verified = true
  const strategy: TestStrategy = {
    session: options.session ?? new MemorySession(),
    requestData(merge = true) {
      if (merge) return { ...query, ...body }
      return method === 'POST' ? { ...body } : { ...query }
    },
    requestHost: () => host,
    requestMethod: () => method,
    absoluteUri: (path) => new URL(path, `http://${host}`).href,
    redirectUri: (backend) => `http://${host}/complete/${backend}/`,
    requestVerified: () => verified,
    request(input) {
      method = input.method ?? 'GET'
      query = { ...(input.query ?? {}) }
      body = { ...(input.body ?? {}) }
      verified = input.verified ?? true
      return strategy
    },
  }
  return strategy
}
