import {
  createSocialAuth,
  memoryStorage,
  type ActionResponse,
  type BackendEntry,
  type CompleteResponse,
  type LoginInfo,
  type ProviderResponse,
  type Settings,
  type SocialAuth,
  type SocialAuthEventName,
  type SocialAuthEvents,
  type Storage,
  type User,
} from '../src/index.js'
import {
  createTestStrategy,
  dummyBackend,
  type DummyBackendOptions,
  type TestStrategy,
} from '../src/testing/index.js'

/** PSA's GitHub fixture (actions tests): login `foobar`, id 1, `foo@bar.com`. */
export const GITHUB_ACCOUNT: ProviderResponse = {
  id: 1,
  login: 'foobar',
  email: 'foo@bar.com',
  name: 'monalisa foobar',
}

/** Every event name, to record them all. */
export const EVENT_NAMES: readonly SocialAuthEventName[] = [
  'auth.started',
  'auth.succeeded',
  'auth.failed',
  'user.created',
  'account.linked',
  'link.refused',
  'account.disconnected',
  'partial.paused',
  'partial.resumed',
]

/** A recorded event. */
export type RecordedEvent = {
  [K in SocialAuthEventName]: { name: K; payload: SocialAuthEvents[K] }
}[SocialAuthEventName]

/**
 * The dummy backend whose provider answer is the callback's `code` read as JSON, so each
 * test says which account the provider returns (`login(t, { account })`).
 */
export function dummy(options: DummyBackendOptions = {}) {
  return dummyBackend({
    response: (code) =>
      code.startsWith('{') ? (JSON.parse(code) as ProviderResponse) : GITHUB_ACCOUNT,
    ...options,
  })
}

/** Options of {@link setup}. */
export interface SetupOptions {
  readonly storage?: Storage
  readonly backends?: BackendEntry[]
  readonly baseUrl?: string
  readonly now?: () => number
}

/** A test harness: an engine with PSA's test URLs, a browser, and logs of logins and events. */
export interface Harness {
  readonly social: SocialAuth
  readonly storage: Storage
  /** The default browser (one session). */
  readonly strategy: TestStrategy
  readonly logins: LoginInfo[]
  readonly events: RecordedEvent[]
  /** Names of the recorded events, in order. */
  eventNames(): SocialAuthEventName[]
}

/**
 * An engine on the memory storage with the dummy backend, `LOGIN_REDIRECT_URL=/success`,
 * `LOGIN_URL=/login`, and every event recorded.
 */
export async function setup(settings: Settings = {}, options: SetupOptions = {}): Promise<Harness> {
  const storage = options.storage ?? memoryStorage()
  const social = await createSocialAuth({
    settings: {
      AUTHENTICATION_BACKENDS: options.backends ?? [dummy()],
      LOGIN_REDIRECT_URL: '/success',
      LOGIN_URL: '/login',
      ...settings,
    },
    storage,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
  })
  const events: RecordedEvent[] = []
  for (const name of EVENT_NAMES) {
    social.events.on(name, (payload) => events.push({ name, payload } as RecordedEvent))
  }
  return {
    social,
    storage,
    strategy: createTestStrategy(),
    logins: [],
    events,
    eventNames: () => events.map((event) => event.name),
  }
}

/** The `Location` of a redirect response; fails the test for any other response. */
export function location(response: ActionResponse): string {
  if (response.type !== 'redirect') throw new Error(`expected a redirect, got ${response.type}`)
  return response.url
}

/** Options of {@link login}. */
export interface LoginOptions {
  readonly backend?: string
  /** What the provider answers (default: the GitHub fixture). */
  readonly account?: ProviderResponse
  /** The begin request's form fields (`next`, FIELDS_STORED_IN_SESSION …). */
  readonly body?: Record<string, string>
  /** The user already logged in to this browser. */
  readonly user?: User | null
  /** Another browser than the harness's own. */
  readonly strategy?: TestStrategy
  /** `throw` to get coded errors instead of the error redirect. */
  readonly onError?: 'redirect' | 'throw'
}

/**
 * Plays a browser through begin → provider → complete, as PSA's `do_login` does; returns
 * the final response. Logins are recorded in `t.logins`.
 */
export async function login(t: Harness, options: LoginOptions = {}): Promise<CompleteResponse> {
  const backend = options.backend ?? 'dummy'
  const strategy = options.strategy ?? t.strategy
  const started = await t.social.begin(
    strategy.request({ method: 'POST', body: options.body ?? {} }),
    backend,
  )
  const state = new URL(location(started)).searchParams.get('state') ?? ''
  const code = JSON.stringify(options.account ?? GITHUB_ACCOUNT)
  strategy.request({ method: 'GET', query: { code, state } })
  return complete(t, { ...options, strategy })
}

/** Calls `complete` for the browser's current request (a resume, a confirmation …). */
export function complete(
  t: Harness,
  options: Pick<LoginOptions, 'backend' | 'user' | 'strategy' | 'onError'> = {},
): Promise<CompleteResponse> {
  return t.social.complete(options.strategy ?? t.strategy, options.backend ?? 'dummy', {
    user: options.user ?? null,
    login: (info) => {
      t.logins.push(info)
    },
    ...(options.onError ? { onError: options.onError } : {}),
  })
}

/** The stored user with that username, or null (memory storage ids are small integers). */
export async function findUser(storage: Storage, username: string): Promise<User | null> {
  for (let id = 1; id < 200; id++) {
    const user = await storage.user.getUserAnyState(id)
    if (user?.username === username) return user
  }
  return null
}

/** Every stored user (memory storage ids are small integers). */
export async function allUsers(storage: Storage): Promise<User[]> {
  const users: User[] = []
  for (let id = 1; id < 200; id++) {
    const user = await storage.user.getUserAnyState(id)
    if (user) users.push(user)
  }
  return users
}

/** The coded error an action throws with `onError: 'throw'`. */
export async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

/** The `error` query parameter of an error redirect. */
export function errorCode(response: ActionResponse): string | null {
  return new URL(location(response), 'http://myapp.com').searchParams.get('error')
}

/**
 * A memory storage with some user-storage methods replaced. Transactions hand the wrapper to
 * the work, so the pipeline sees the replacements too.
 */
export function patchedStorage(
  patch: (inner: Storage) => Partial<Storage['user']>,
  inner: Storage = memoryStorage(),
): Storage {
  const user = { ...inner.user, ...patch(inner) }
  const wrapped: Storage = {
    ...inner,
    user,
    transaction: (work) => inner.transaction(() => work(wrapped)),
  }
  return wrapped
}

/** The hidden fields of a confirmation page (an external resume, a guided link) to POST back. */
export function confirmationFields(response: ActionResponse): Record<string, string> {
  if (response.type !== 'html')
    throw new Error(`expected the confirmation page, got ${response.type}`)
  return Object.fromEntries(
    [...response.html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
  )
}
