import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createOssoDevServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '@social-auth/osso-dev'
import { TestBrowser } from '@social-auth/express/testing'
import { listenLoopback } from '../../../test/support/loopback.js'
import { createTestDatabase, type TestDatabase } from './pg-database.js'
import { confirmUsername, json, queueOssoLogin, submitEmail } from './support.js'

// Issue 5: two app *processes* on one PostgreSQL, sessions in the database. A login begun on
// one finishes on the other — nothing that matters lives in a process's memory.
const root = fileURLToPath(new URL('../../../', import.meta.url))
const startScript = `${root}examples/express-osso/dist/start.js`
let database: TestDatabase
let closeOsso: () => Promise<void> = async () => {}
let ossoUrl = ''
const children: ChildProcess[] = []

/** Runs `node dist/start.js` expecting it to give up; resolves with its exit code and output. */
function failedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [startScript], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })))
}

/** Starts `node dist/start.js` and resolves with the URL it prints once it listens. */
async function startNode(env: Record<string, string>): Promise<string> {
  return (await startWithOutput(env)).url
}

/** Starts `node dist/start.js`; resolves with the app's URL and what it printed at start. */
function startWithOutput(env: Record<string, string>): Promise<{ url: string; output: string }> {
  const child = spawn(process.execPath, [startScript], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), 30_000)
    const read = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = /express-osso example: http:\/\/localhost:(\d+)\n/.exec(output)?.[1]
      if (port) {
        clearTimeout(timer)
        resolve({ url: `http://127.0.0.1:${port}`, output })
      }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.once('exit', (code) => reject(new Error(`the app exited (${code}):\n${output}`)))
  })
}

beforeAll(async () => {
  // `npm test` builds first; a direct jest run may not have.
  if (!existsSync(startScript))
    execFileSync(process.execPath, [
      `${root}node_modules/typescript/bin/tsc`,
      '-b',
      `${root}examples/express-osso`,
    ])
  database = await createTestDatabase(`two_processes_${process.pid}_${Date.now()}`)
  const osso = createOssoDevServer({ onError: () => undefined })
  const listener = await osso.listen(0)
  ossoUrl = listener.url
  closeOsso = () => listener.close()
}, 120_000)

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM')
  for (const child of children) {
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve))
  }
  await closeOsso()
  await database.drop()
})

describe('two app processes on one PostgreSQL with sessions in the database', () => {
  it('finishes on the second process a login begun on the first', async () => {
    const env = {
      DATABASE_URL: database.url,
      SESSION_SECRET: 'shared-between-processes',
      SOCIAL_AUTH_OSSO_BASE_URL: ossoUrl,
      SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
      SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
    }
    const first = await startNode(env)
    // The second process presents itself under the first one's URL, as behind a load balancer.
    const second = await startNode({ ...env, PUBLIC_URL: first })
    const browser = new TestBrowser()
    await queueOssoLogin(ossoUrl, 'user@example.com')
    const toOsso = await submitEmail(browser, first, 'user@example.com')
    const back = await browser.get(toOsso.location!)
    const callback = new URL(back.location!)
    expect(callback.origin).toBe(first)
    const paused = await browser.get(`${second}${callback.pathname}${callback.search}`)
    expect(paused.location).toContain('/confirm-username?partial_token=')
    const confirm = new URL(paused.location!, first)
    const done = await confirmUsername(browser, first, {
      ...paused,
      location: `${first}${confirm.pathname}${confirm.search}`,
    })
    expect(new URL(done.location!, first).pathname).toBe('/profile')
    for (const node of [first, second]) {
      const profile = await browser.get(`${node}/profile`, json)
      expect(profile.json()).toMatchObject({
        user: { email: 'user@example.com' },
        social: [{ provider: 'osso' }],
      })
    }
  }, 60_000)
})

describe('npm start on PORT=0', () => {
  it('tells osso-dev and the token issuer the port the system picked', async () => {
    const { output } = await startWithOutput({
      DATABASE_URL: 'sqlite::memory:',
      SESSION_SECRET: 'port-zero',
      HOST: '127.0.0.1',
      PORT: '0',
      OSSO_DEV_PORT: '0',
    })
    const printed = new URL(/express-osso example: (\S+)/.exec(output)![1]!)
    expect(printed.port).not.toBe('0')
    const ossoDev = /osso-dev \(local Osso\) at (\S+):/.exec(output)![1]!
    // The printed URL is localhost's: osso-dev must accept that redirect URI.
    const app = `http://localhost:${printed.port}`
    const browser = new TestBrowser()
    await queueOssoLogin(ossoDev, 'user@example.com')
    const toOsso = await submitEmail(browser, app, 'user@example.com')
    expect(new URL(toOsso.location!).searchParams.get('redirect_uri')).toBe(`${app}/complete/osso/`)
    const back = await browser.get(toOsso.location!)
    expect(back.location).toMatch(new RegExp(`^${app}/complete/osso/\\?code=`))
    const paused = await browser.get(back.location!)
    const done = await confirmUsername(browser, app, paused)
    expect(new URL(done.location!, app).pathname).toBe('/profile')
    const token = (await browser.get(`${app}/user/token`, json)).json<{ access_token: string }>()
    const claims = JSON.parse(
      Buffer.from(token.access_token.split('.')[1]!, 'base64url').toString(),
    ) as { iss: string }
    expect(claims.iss).toBe(app)
  }, 60_000)
})

describe('npm start when it cannot start', () => {
  const base = {
    DATABASE_URL: 'sqlite::memory:',
    SESSION_SECRET: 'start-failures',
    HOST: '127.0.0.1',
  }

  it('names a taken port and the variables that move it, without a stack trace', async () => {
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      const cases: [Record<string, string>, string][] = [
        [
          {
            ...base,
            PORT: String(port),
            SOCIAL_AUTH_OSSO_BASE_URL: ossoUrl,
            SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
            SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
          },
          `127.0.0.1:${port} is already in use: stop what listens there, or set PORT to a free port`,
        ],
        // osso-dev's own port, when npm start runs it.
        [
          { ...base, PORT: '0', OSSO_DEV_PORT: String(port) },
          `127.0.0.1:${port} is already in use: stop what listens there, or set OSSO_DEV_PORT to a free port`,
        ],
        // A HOST that is no address of this machine is not blamed on the database.
        [
          {
            ...base,
            PORT: '0',
            HOST: 'no-such-host.invalid',
            SOCIAL_AUTH_OSSO_BASE_URL: ossoUrl,
            SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
            SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
          },
          'HOST=no-such-host.invalid is not an address of this machine',
        ],
      ]
      for (const [env, expected] of cases) {
        const { code, output } = await failedStart(env)
        expect(code).toBe(1)
        expect(output).toContain(`express-osso could not start: ${expected}`)
        expect(output).not.toMatch(/^\s+at /m)
      }
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  }, 60_000)

  it('prints a misconfiguration or an unreachable database as one line', async () => {
    const osso = {
      // A running Osso: npm start would otherwise start osso-dev on 9292, which may be taken.
      SOCIAL_AUTH_OSSO_BASE_URL: ossoUrl,
      SOCIAL_AUTH_OSSO_KEY: DEMO_CLIENT_ID,
      SOCIAL_AUTH_OSSO_SECRET: DEMO_CLIENT_SECRET,
    }
    const closed = await listenLoopback()
    await closed.close()
    // A regular file where the SQLite file's directory should be.
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'start-failures-')), 'file')
    writeFileSync(notADirectory, '')
    const cases: [Record<string, string>, string][] = [
      [
        { DATABASE_URL: 'mysql://app:hunter2@db/app' },
        'ERR_IMPROPERLY_CONFIGURED: DATABASE_URL must be',
      ],
      [{ PORT: 'abc' }, 'ERR_IMPROPERLY_CONFIGURED: PORT must be a port number'],
      [{ NODE_ENV: 'production', SESSION_SECRET: '' }, 'SESSION_SECRET must be set in production'],
      [{ PUBLIC_URL: 'notaurl' }, 'PUBLIC_URL must be an http(s) URL'],
      [{ TRUST_PROXY: 'bogus' }, 'ERR_IMPROPERLY_CONFIGURED: TRUST_PROXY: invalid IP address'],
      [{ APP_SIGNING_KEYS: 'notjson' }, 'APP_SIGNING_KEYS must be a JSON array'],
      [
        { DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${closed.port}/app` },
        'the database cannot be reached',
      ],
      [
        { DATABASE_URL: `sqlite:${notADirectory}/app.sqlite3` },
        'the SQLite file cannot be created',
      ],
      [
        { SOCIAL_AUTH_OSSO_BASE_URL: '', OSSO_DEV_PORT: '70000' },
        'ERR_IMPROPERLY_CONFIGURED: OSSO_DEV_PORT must be a port number',
      ],
      [{ APP_SIGNING_KEYS: '[]' }, 'APP_SIGNING_KEYS must be a JSON array of private JWKs'],
      [
        { PUBLIC_URL: 'https://app.example.com/?x=1' },
        'PUBLIC_URL must be an http(s) URL without a query',
      ],
    ]
    for (const [env, expected] of cases) {
      const { code, output } = await failedStart({ ...base, PORT: '0', ...osso, ...env })
      expect(code).toBe(1)
      expect(output).toContain(`express-osso could not start: `)
      expect(output).toContain(expected)
      expect(output).not.toMatch(/^\s+at /m)
      expect(output).not.toContain('hunter2')
    }
  }, 120_000)
})
