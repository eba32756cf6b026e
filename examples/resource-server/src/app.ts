import express, { type ErrorRequestHandler, type Express, type Request } from 'express'
import { jwtGuard, type JwtGuard } from '@social-auth/jwt'
import { readEnv } from './env.js'
import { PostStore, type Workspace } from './posts.js'

/** What tests may replace: the guard (e.g. `mockGuard(...)`) and the JWKS `fetch`. */
export interface AppOverrides {
  readonly guard?: JwtGuard
  readonly fetch?: typeof fetch
}

interface SeenUser {
  user_id: string
  tenant_id: string | null
  workspace_id: string | null
  roles: readonly string[]
  last_seen: string
}

const MAX_SEEN_USERS = 10_000

/** The caller's workspace, from the verified token only; a token without one gets a personal workspace. */
function workspaceOf(req: Request): Workspace {
  const auth = req.auth!
  return { tenantId: auth.tenant_id, workspaceId: auth.workspace_id ?? `personal:${auth.sub}` }
}

/**
 * Builds the API of the USSO SDK guide without listening: `GET /me`, `GET|POST /posts`,
 * `DELETE /posts/:id` (scopes `read:posts`, `write:posts`, `delete:posts`) and
 * `GET /admin/users` (role `admin`), with posts isolated by workspace. Tokens come from
 * `Authorization: Bearer` or the `access_token` cookie; refusals follow RFC 6750.
 *
 * @example
 * ```ts
 * const app = createApp({ JWT_ISSUER: 'http://localhost:3000', JWT_AUDIENCE: 'http://localhost:8001' })
 * app.listen(8001)
 * ```
 */
export function createApp(
  env: Readonly<Record<string, string | undefined>>,
  overrides: AppOverrides = {},
): Express {
  const config = readEnv(env)
  const auth =
    overrides.guard ??
    jwtGuard({
      jwksUrl: config.jwksUrl,
      issuer: config.issuer,
      audience: config.audience,
      typ: config.typ,
      header: { name: 'Authorization', prefix: 'Bearer', cookieName: 'access_token' },
      fetch: overrides.fetch,
    })
  const posts = new PostStore()
  const seen = new Map<string, SeenUser>()
  const remember = (req: Request): void => {
    const user = req.auth!
    const key = `${user.tenant_id ?? ''}\u0000${user.sub}`
    seen.delete(key)
    if (seen.size >= MAX_SEEN_USERS) seen.delete(seen.keys().next().value as string)
    seen.set(key, {
      user_id: user.sub,
      tenant_id: user.tenant_id ?? null,
      workspace_id: user.workspace_id ?? null,
      roles: user.roles,
      last_seen: new Date().toISOString(),
    })
  }

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })

  app.get('/me', auth.requireAuth(), (req, res) => {
    remember(req)
    const user = req.auth!
    res.json({
      user_id: user.sub,
      tenant_id: user.tenant_id ?? null,
      workspace_id: user.workspace_id ?? null,
      roles: user.roles,
      scopes: user.scopes,
    })
  })

  app.get('/posts', auth.requireScope('read:posts'), (req, res) => {
    remember(req)
    res.json({ posts: posts.list(workspaceOf(req)) })
  })

  app.post(
    '/posts',
    auth.requireScope('write:posts'),
    express.json({ limit: '16kb' }),
    (req, res) => {
      remember(req)
      const body = req.body as { title?: unknown; content?: unknown } | undefined
      const title = body?.title
      const content = body?.content
      if (
        typeof title !== 'string' ||
        title.trim() === '' ||
        title.length > 200 ||
        typeof content !== 'string' ||
        content.length > 10_000
      ) {
        res.status(400).json({
          error: 'ERR_INVALID_POST',
          detail: 'A post needs a title (1–200 characters) and a content (up to 10 000)',
        })
        return
      }
      // The workspace comes from the token, never from the body: a user cannot write elsewhere.
      const post = posts.create(workspaceOf(req), req.auth!.sub, { title, content })
      if (!post) {
        res
          .status(409)
          .json({ error: 'ERR_WORKSPACE_FULL', detail: 'This workspace has too many posts' })
        return
      }
      res.status(201).json({ post })
    },
  )

  app.delete('/posts/:id', auth.requireScope('delete:posts'), (req, res) => {
    remember(req)
    // Another workspace's post is answered like a missing one: its existence is not revealed.
    if (!posts.delete(workspaceOf(req), String(req.params.id))) {
      res
        .status(404)
        .json({ error: 'ERR_POST_NOT_FOUND', detail: 'No such post in your workspace' })
      return
    }
    res.json({ message: 'Post deleted' })
  })

  app.get('/admin/users', auth.requireRole('admin'), (req, res) => {
    remember(req)
    // An admin sees the users of their own tenant only.
    const tenant = req.auth!.tenant_id ?? null
    res.json({ users: [...seen.values()].filter((user) => user.tenant_id === tenant) })
  })

  app.use((_req, res) => {
    res.status(404).json({ error: 'ERR_NOT_FOUND', detail: 'No such route' })
  })

  const errors: ErrorRequestHandler = (
    err: { status?: unknown; statusCode?: unknown },
    _req,
    res,
    _next,
  ) => {
    // body-parser marks bad input (broken JSON, too large) with a 4xx status.
    const status = Number(err.status ?? err.statusCode)
    if (status >= 400 && status < 500) {
      res
        .status(status)
        .json({ error: 'ERR_BAD_REQUEST', detail: 'The request body could not be read' })
      return
    }
    console.error(err)
    res.status(500).json({ error: 'ERR_INTERNAL', detail: 'Something went wrong' })
  }
  app.use(errors)
  return app
}
