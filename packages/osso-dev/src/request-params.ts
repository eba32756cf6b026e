import express from 'express'
import type { NextFunction, Request, RequestHandler, Response } from 'express'

/** A request's parameters: the query string merged with the body, body winning (Rack's rule). */
export type Params = Record<string, string>

interface ParsedBody {
  form: Params
  json: unknown
}

const readRawBody = express.raw({ type: () => true, limit: '100kb' })

/**
 * Reads any request body once and parses it as Rack would: form-encoded, or JSON (the
 * `Rack::JSONBodyParser` every Osso sub-app mounts). Malformed JSON is answered here with
 * Osso's own 400 body, whatever the route.
 */
export function parseBody(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    readRawBody(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        next(err)
        return
      }
      const raw: unknown = req.body
      const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : ''
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      const body: ParsedBody = { form: emptyParams(), json: undefined }
      if (/^application\/([a-z0-9.+-]*\+)?json$/.test(type) && text.trim() !== '') {
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch {
          parsed = undefined
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          res.status(400).type('application/json').send('{"error":"Failed to parse body as JSON"}')
          return
        }
        body.json = parsed
        body.form = flattenJson(parsed as Record<string, unknown>)
      } else if (type === 'application/x-www-form-urlencoded') {
        body.form = lastValues(new URLSearchParams(text))
      }
      res.locals['body'] = body
      next()
    })
  }
}

// Null-prototype objects, so a parameter named `__proto__` or `constructor` is just data.
function emptyParams(): Params {
  return Object.create(null) as Params
}

function flattenJson(object: Record<string, unknown>): Params {
  const out = emptyParams()
  for (const [key, value] of Object.entries(object)) {
    // Only scalars can be OAuth parameters; null means "not sent", as in Ruby.
    if (typeof value === 'string') out[key] = value
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value)
  }
  return out
}

function lastValues(search: URLSearchParams): Params {
  const out = emptyParams()
  // Rack keeps the last of repeated keys.
  for (const [key, value] of search) out[key] = value
  return out
}

/**
 * Query-string parameters, decoded by `application/x-www-form-urlencoded` rules (`+` is a
 * space, as in Rack), which is what exposes PSA's unquoted `+` in emails.
 */
export function queryParams(req: Request): Params {
  const url = req.originalUrl
  const at = url.indexOf('?')
  return at === -1 ? emptyParams() : lastValues(new URLSearchParams(url.slice(at + 1)))
}

/** The parsed body of {@link parseBody}. */
export function bodyOf(res: Response): ParsedBody {
  const body = res.locals['body'] as ParsedBody | undefined
  return body ?? { form: emptyParams(), json: undefined }
}

/** Query merged with body parameters, body winning. */
export function allParams(req: Request, res: Response): Params {
  return Object.assign(emptyParams(), queryParams(req), bodyOf(res).form)
}

/** One parameter, or `undefined` when absent (an empty string counts as present). */
export function param(params: Params, name: string): string | undefined {
  return Object.hasOwn(params, name) ? params[name] : undefined
}
