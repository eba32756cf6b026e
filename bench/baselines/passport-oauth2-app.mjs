// The baseline of bench/login-bench.mjs: what an Express developer writes without social-auth
// to sign in through Osso — Express 5, express-session, passport 0.7 and passport-oauth2 1.8,
// users found or created with knex. It does the same work as examples/express-osso, no less:
//   - the example's own sign-in page (its markup, rendered by its template), whose form carries
//     a CSRF token kept in the session, and the example's security headers on every answer
//     (CSP, nosniff, Referrer-Policy), plus no-store / no-referrer on the sign-in routes as
//     @social-auth/express sends them;
//   - POST /begin/osso checks that token and redirects to Osso with the email, a state and a
//     PKCE S256 challenge (passport-oauth2's PKCE session state store);
//   - GET /complete/osso/ checks the state, exchanges the code (client_secret_post), GETs
//     /oauth/me as the profile, then finds or creates the user and the association in one
//     knex transaction on social-auth's SQLite schema (its migrations), storing the token
//     response, the IdP and the sign-in time in extra_data as the example's pipeline does; a
//     new identity whose email already has an account is linked to it (the lookup that the
//     example's safe_link_by_email makes), else gets a new user;
//   - the login regenerates the session id (passport 0.7's req.login), and sessions live in
//     the same SQLite file, through a minimal knex session store of the kind
//     connect-session-knex provides.
// Plain JS on purpose: it is bench code, and it should read like the app it stands for.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import express from 'express'
import session from 'express-session'
import passportModule from 'passport'
import OAuth2Strategy from 'passport-oauth2'
import knex from 'knex'
import { migrate } from '@social-auth/storage-knex'
import { signInPage } from '../../examples/express-osso/dist/pages/sign-in.js'
import { securityHeaders } from '../../examples/express-osso/dist/security-headers.js'

const PROVIDER = 'osso'

/**
 * A knex session store, as connect-session-knex does it: one row per session with its JSON
 * and expiry; get skips expired rows; set upserts; touch moves the expiry.
 */
class KnexStore extends session.Store {
  constructor(db, tableName = 'sessions') {
    super()
    this.db = db
    this.table = tableName
  }

  async createTable() {
    if (await this.db.schema.hasTable(this.table)) return
    await this.db.schema.createTable(this.table, (t) => {
      t.string('sid', 255).primary()
      t.text('sess').notNullable()
      t.bigInteger('expired').notNullable().index()
    })
  }

  expiry(sess) {
    const at = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : Number.NaN
    return Number.isFinite(at) ? at : Date.now() + 86_400_000
  }

  get(sid, cb) {
    this.db(this.table)
      .where('sid', sid)
      .andWhere('expired', '>', Date.now())
      .first('sess')
      .then((row) => cb(null, row ? JSON.parse(row.sess) : null), cb)
  }

  set(sid, sess, cb) {
    this.db(this.table)
      .insert({ sid, sess: JSON.stringify(sess), expired: this.expiry(sess) })
      .onConflict('sid')
      .merge()
      .then(() => cb?.(), cb)
  }

  destroy(sid, cb) {
    this.db(this.table)
      .where('sid', sid)
      .delete()
      .then(() => cb?.(), cb)
  }

  touch(sid, sess, cb) {
    this.db(this.table)
      .where('sid', sid)
      .update({ expired: this.expiry(sess) })
      .then(() => cb?.(), cb)
  }
}

/** Osso through passport-oauth2: the email routes the login; /oauth/me is the profile. */
class OssoStrategy extends OAuth2Strategy {
  constructor(options, verify) {
    super(options, verify)
    this.name = PROVIDER
    this.userinfoURL = options.userinfoURL
  }

  authorizationParams(options) {
    return typeof options.email === 'string' && options.email !== '' ? { email: options.email } : {}
  }

  userProfile(accessToken, done) {
    // node-oauth's GET sends the token as `access_token` in the query, as Osso reads it.
    this._oauth2.get(this.userinfoURL, accessToken, (err, body) => {
      if (err) return done(new OAuth2Strategy.InternalOAuthError('failed to fetch profile', err))
      try {
        const json = JSON.parse(String(body))
        if (json.id === undefined || json.id === null || typeof json.email !== 'string')
          throw new Error('profile without id or email')
        done(null, { provider: PROVIDER, id: String(json.id), email: json.email, idp: json.idp })
      } catch (parseError) {
        done(parseError)
      }
    })
  }
}

const USER_COLUMNS = ['id', 'username', 'email', 'first_name', 'last_name', 'is_active']

/**
 * Find-or-create in one transaction: the association by (provider, uid) with its user; a
 * returning user's extra_data gets the new tokens; a new identity is linked to the one
 * account with its email (Osso's emails come from the company's IdP), else gets a new user
 * with a free username (the email, else the email with a suffix); then an association.
 */
export async function findOrCreateUser(db, profile, tokens) {
  return db.transaction(async (trx) => {
    const now = new Date().toISOString()
    const extra = {
      auth_time: Math.floor(Date.now() / 1000),
      access_token: tokens.access_token,
      token_type: tokens.token_type ?? null,
      expires: tokens.expires_in ?? null,
      last_login: now,
      ...(profile.idp ? { idp: profile.idp } : {}),
    }
    const found = await trx('social_auth_usersocialauth as s')
      .join('users as u', 'u.id', 's.user_id')
      .where({ 's.provider': PROVIDER, 's.uid': profile.id })
      .first('s.id as social_id', 's.extra_data', ...USER_COLUMNS.map((c) => `u.${c}`))
    if (found) {
      const { social_id: socialId, extra_data: stored, ...user } = found
      await trx('social_auth_usersocialauth')
        .where('id', socialId)
        .update({ extra_data: JSON.stringify({ ...JSON.parse(stored), ...extra }), modified: now })
      return user
    }
    let username = profile.email.slice(0, 150)
    if (await trx('users').where('username', username).first('id'))
      username = `${username.slice(0, 141)}${randomBytes(4).toString('hex')}`
    const sameEmail = await trx('users')
      .select(USER_COLUMNS)
      .whereRaw('lower(email) = lower(?)', [profile.email])
      .orderBy('id')
    const [user] =
      sameEmail.length === 1
        ? sameEmail
        : await trx('users')
            .insert({
              username,
              email: profile.email,
              is_active: true,
              date_joined: now,
              updated: now,
            })
            .returning(USER_COLUMNS)
    await trx('social_auth_usersocialauth').insert({
      user_id: user.id,
      provider: PROVIDER,
      uid: profile.id,
      extra_data: JSON.stringify(extra),
      created: now,
      modified: now,
    })
    return user
  })
}

function csrfOk(req) {
  const expected = req.session.csrf
  const given = req.body?._csrf
  if (typeof expected !== 'string' || typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Builds the baseline app (not listening).
 * @param {{ databaseFile: string, ossoBaseUrl: string, clientId: string, clientSecret: string, sessionSecret: string }} options
 */
export async function createBaselineApp(options) {
  mkdirSync(dirname(options.databaseFile), { recursive: true })
  // The example's SQLite setup: one better-sqlite3 connection, WAL, foreign keys.
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: options.databaseFile },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn, done) {
        conn.pragma('foreign_keys = ON')
        conn.pragma('journal_mode = WAL')
        conn.pragma('synchronous = NORMAL')
        conn.pragma('busy_timeout = 5000')
        done(null, conn)
      },
    },
  })
  await migrate(db)
  const store = new KnexStore(db)
  await store.createTable()

  const passport = new passportModule.Passport()
  passport.use(
    new OssoStrategy(
      {
        authorizationURL: `${options.ossoBaseUrl}/oauth/authorize`,
        tokenURL: `${options.ossoBaseUrl}/oauth/token`,
        userinfoURL: `${options.ossoBaseUrl}/oauth/me`,
        clientID: options.clientId,
        clientSecret: options.clientSecret,
        callbackURL: '/complete/osso/',
        state: true,
        pkce: true,
        passReqToCallback: false,
      },
      (accessToken, _refreshToken, params, profile, done) => {
        findOrCreateUser(db, profile, params).then((user) => done(null, user), done)
      },
    ),
  )
  passport.serializeUser((user, done) => done(null, String(user.id)))
  passport.deserializeUser((id, done) => {
    db('users')
      .where('id', id)
      .first(USER_COLUMNS)
      .then((user) => done(null, user && user.is_active ? user : false), done)
  })

  const app = express()
  app.disable('x-powered-by')
  // The example's headers on every answer.
  app.use(securityHeaders)
  // What @social-auth/express adds on its sign-in routes: nothing cached, no Referer with a code.
  const noStore = (_req, res, next) => {
    res.set('Cache-Control', 'no-store')
    res.set('Pragma', 'no-cache')
    res.set('Referrer-Policy', 'no-referrer')
    next()
  }
  app.use(
    session({
      name: 'sid',
      secret: options.sessionSecret,
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 14 * 24 * 3600 * 1000 },
    }),
  )
  app.use(passport.initialize())
  app.use(passport.session())

  app.get('/', (req, res) => {
    req.session.csrf ??= randomBytes(32).toString('base64url')
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(signInPage({ csrf: req.session.csrf, otherBackends: [] }))
  })
  app.post(
    '/begin/osso',
    noStore,
    express.urlencoded({ extended: false, limit: '32kb' }),
    (req, res, next) => {
      if (!csrfOk(req)) {
        res.status(403).type('text').send('Forbidden')
        return
      }
      passport.authenticate(PROVIDER, { email: req.body.email })(req, res, next)
    },
  )
  app.get(
    '/complete/osso',
    noStore,
    passport.authenticate(PROVIDER, { failureRedirect: '/?error=login_failed' }),
    (_req, res) => res.redirect(302, '/profile'),
  )
  app.get('/profile', (req, res) => {
    if (!req.user) {
      res.redirect(302, '/')
      return
    }
    res.json({ id: req.user.id, username: req.user.username, email: req.user.email })
  })
  // A bare 500, no stack trace; the bench counts it as a failed login.
  app.use((_err, _req, res, _next) => {
    res.status(500).type('text').send('Internal Server Error')
  })

  return {
    app,
    db,
    async close() {
      await db.destroy()
    },
  }
}
