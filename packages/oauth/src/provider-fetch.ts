import type { CustomFetch } from 'openid-client'
import { readLimited, type BoundBackend } from '@social-auth/core'
import { httpFetch, httpRead, type HttpReadRequest } from './http-fetch.js'

/** Options of {@link providerFetch}. */
export interface ProviderFetchOptions {
  /** The fetch to use (tests inject one); {@link httpFetch} (node:http, keep-alive) otherwise. */
  readonly fetch?: typeof fetch | undefined
  /**
   * Sent as `User-Agent`: always by {@link providerFetch}, unless the call names one by
   * {@link providerRead}.
   */
  readonly userAgent: string
  /**
   * The most a call may take, in seconds (`REQUESTS_TIMEOUT`), for calls that bring no abort
   * signal of their own. openid-client is configured without a timeout so that this one
   * applies: a plain timer for our own fetch, an `AbortSignal.timeout` for an injected one.
   */
  readonly timeoutSeconds?: number | undefined
}

/** A backend's {@link ProviderFetchOptions}: its `USER_AGENT` and `REQUESTS_TIMEOUT`. */
export function providerFetchOptions(
  backend: BoundBackend,
  fetchImpl: typeof fetch | undefined,
): ProviderFetchOptions & { readonly timeoutSeconds: number } {
  return {
    fetch: fetchImpl,
    userAgent: backend.setting<string | undefined>('USER_AGENT') ?? DEFAULT_USER_AGENT,
    timeoutSeconds: backend.setting<number>('REQUESTS_TIMEOUT', 5),
  }
}

/**
 * The fetch every provider call goes through: injected or {@link httpFetch}, with our
 * User-Agent and deadline, never following redirects (a redirected token or JWKS request is an
 * error, not a hop). Our User-Agent replaces the request's: openid-client names itself
 * (`openid-client/v6…`) on every call it makes, discovery, token, userinfo and revocation
 * included, and `USER_AGENT` is what the provider must see.
 */
export function providerFetch(options: ProviderFetchOptions): CustomFetch {
  return sendingFetch(options, 'ours')
}

/** Whose User-Agent a request carries: always ours, or the caller's when it names one. */
type AgentRule = 'ours' | 'unless-named'

function sendingFetch(options: ProviderFetchOptions, rule: AgentRule): CustomFetch {
  const base = options.fetch ?? httpFetch
  const timeoutMs = timeoutOf(options)
  return (url, init) => {
    const headers = withUserAgent(init.headers, options.userAgent, rule)
    const request: RequestInit = { ...init, headers, redirect: 'manual' }
    if (init.signal || timeoutMs === undefined) return base(url, request)
    // An AbortSignal.timeout per call costs more than the rest of our fetch; a timer does.
    if (base === httpFetch) return httpFetch(url, request, { timeoutMs })
    return base(url, { ...request, signal: AbortSignal.timeout(timeoutMs) })
  }
}

/** What {@link providerRead} answers: the status and, for a 2xx answer, the body as text. */
export interface ProviderAnswer {
  readonly status: number
  /** `''` for any other status: an error's body is never read into a page or a log. */
  readonly text: string
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * A provider call of our own (user data, revocation). A 2xx body over `maxBytes` is refused;
 * other answers are judged by their status alone.
 */
export type ProviderRead = (
  url: string | URL,
  request: HttpReadRequest,
  maxBytes: number,
) => Promise<ProviderAnswer>

const utf8 = new TextDecoder()

/**
 * {@link providerFetch} for the calls we read ourselves: the same User-Agent, deadline and
 * redirect rule, and over {@link httpRead} (no `Response` built) unless a fetch is injected.
 */
export function providerRead(options: ProviderFetchOptions): ProviderRead {
  if (options.fetch) {
    const fetchImpl = sendingFetch(options, 'unless-named')
    return async (url, request, maxBytes) => {
      const response = await fetchImpl(String(url), {
        method: request.method ?? 'GET',
        headers: Object.fromEntries(new Headers(request.headers)),
        body: request.body,
        redirect: 'manual',
      })
      if (!isSuccess(response.status)) {
        await response.body?.cancel()
        return { status: response.status, text: '' }
      }
      return { status: response.status, text: await readLimited(response, maxBytes) }
    }
  }
  const timeoutMs = timeoutOf(options)
  return async (url, request, maxBytes) => {
    const headers = withUserAgent(request.headers, options.userAgent, 'unless-named')
    const answer = await httpRead(url, { ...request, headers }, { timeoutMs })
    if (!isSuccess(answer.status)) return { status: answer.status, text: '' }
    if (answer.body.length > maxBytes)
      throw new Error(`response body of ${answer.body.length} bytes exceeds ${maxBytes}`)
    return { status: answer.status, text: utf8.decode(answer.body) }
  }
}

/** The request's headers with ours as `User-Agent` (see {@link AgentRule}; names in any case). */
function withUserAgent(init: RequestInit['headers'], userAgent: string, rule: AgentRule): Headers {
  const headers = new Headers(init)
  if (rule === 'ours' || !headers.has('user-agent')) headers.set('user-agent', userAgent)
  return headers
}

const timeoutOf = (options: ProviderFetchOptions): number | undefined =>
  options.timeoutSeconds !== undefined && options.timeoutSeconds > 0
    ? options.timeoutSeconds * 1000
    : undefined

/** The User-Agent sent when `USER_AGENT` is not set (PSA sends `social-auth-<version>`). */
export const DEFAULT_USER_AGENT = 'social-auth-node/0.1'
