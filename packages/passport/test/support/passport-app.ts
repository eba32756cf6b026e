import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { listenLoopback } from '../../../../test/support/loopback.js'
import type { SocialAuth, User } from '@social-auth/core'
import {
  deserializeUser,
  serializeUser,
  SocialAuthStrategy,
  type PassportRequest,
} from '../../src/index.js'

declare module 'express-session' {
  interface SessionData {
    messages?: string[]
    /** What the last successful `passport.authenticate` reported (`req.authInfo`). */
    authInfo?: unknown
  }
}

/**
 * An app built the passport way: express-session, a Passport instance with our
 * serialize/deserialize helpers, one `SocialAuthStrategy` per backend, `/auth/:name` to start
 * and `/complete/:name/` (the default callback URL) to finish. `stock` uses passport's own
 * `successRedirect` / `failureRedirect` / `failureMessage`; otherwise a custom callback shows
 * the failure's code as JSON.
 */
export async function startPassportApp(
  social: SocialAuth,
  options: { stock?: boolean; requestVerified?: (req: PassportRequest) => boolean } = {},
) {
  const authenticator = new passport.Passport()
  authenticator.serializeUser(serializeUser())
  authenticator.deserializeUser(deserializeUser(social.storage))
  for (const name of social.backends.keys())
    authenticator.use(
      new SocialAuthStrategy({ social, backend: name, requestVerified: options.requestVerified }),
    )

  const app = express()
  app.use(session({ secret: 'passport-bridge-test', resave: false, saveUninitialized: false }))
  app.use(authenticator.initialize())
  app.use(authenticator.session())
  app.get('/auth/:name', (req, res, next) => {
    const handler = authenticator.authenticate(req.params.name) as express.RequestHandler
    handler(req, res, next)
  })
  // The callback route takes POSTs too: a provider's form_post, and core's confirmation page.
  app.all('/complete/:name/', express.urlencoded({ extended: false }), (req, res, next) => {
    if (options.stock) {
      const stock = authenticator.authenticate(req.params.name, {
        successRedirect: '/me',
        failureRedirect: '/failed',
        failureMessage: true,
      }) as express.RequestHandler
      stock(req, res, next)
      return
    }
    const custom = authenticator.authenticate(
      req.params.name,
      (err: unknown, user: User | false, info: unknown, status: number) => {
        if (err) return next(err)
        if (!user) return res.status(status ?? 401).json({ failure: info })
        req.logIn(user, (loginError) => {
          if (loginError) return next(loginError)
          req.session.authInfo = info
          res.redirect('/me')
        })
      },
    ) as express.RequestHandler
    custom(req, res, next)
  })
  app.get('/me', async (req, res) => {
    const user = req.user
    const accounts = user ? await social.storage.user.getSocialAuthForUser(user) : []
    res.json({
      user: user ? { id: user.id, username: user.username, email: user.email } : null,
      social: accounts
        .map((a) => ({ provider: a.provider, uid: a.uid }))
        .sort((a, b) => a.provider.localeCompare(b.provider)),
    })
  })
  app.get('/auth-info', (req, res) => res.json(req.session.authInfo ?? null))
  app.get('/failed', (req, res) => res.json({ messages: req.session.messages ?? [] }))
  // A paused pipeline step's page (see the partial pipeline test).
  app.get('/terms', (req, res) => res.json({ partial_token: req.query.partial_token }))
  app.get('/logout', (req, res, next) =>
    req.logout((err) => (err ? next(err) : res.redirect('/me'))),
  )
  // Bugs would surface here as a 500: the tests check no refused login ever gets one.
  app.use(
    (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: String(err) })
    },
  )

  const { url, close } = await listenLoopback(app)
  return { url, close }
}
