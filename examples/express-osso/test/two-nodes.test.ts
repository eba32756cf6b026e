import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import knex from 'knex'
import { createOssoDevServer } from '@social-auth/osso-dev'
import { TestBrowser } from '@social-auth/express/testing'
import { createTestDatabase, type TestDatabase } from './pg-database.js'
import {
  confirmUsername,
  json,
  queueOssoLogin,
  startStack,
  submitEmail,
  type Stack,
} from './support.js'

// Two app nodes behind one PUBLIC_URL share one PostgreSQL database: users, associations and
// sessions. A login begun on one node finishes on the other (issue 5).
let database: TestDatabase
let nodes: Stack[] = []
let closeOsso: () => Promise<void>

beforeAll(async () => {
  database = await createTestDatabase(`two_nodes_${process.pid}_${Date.now()}`)
  const osso = createOssoDevServer({ onError: () => undefined })
  const listener = await osso.listen(0)
  closeOsso = () => listener.close()
  const env = { DATABASE_URL: database.url, SESSION_SECRET: 'shared-between-nodes' }
  nodes = [await startStack({ env, ossoUrl: listener.url })]
  // The second node reuses the first node's public URL, as a load balancer would present them.
  nodes.push(
    await startStack({ env: { ...env, PUBLIC_URL: nodes[0]!.appUrl }, ossoUrl: listener.url }),
  )
}, 120_000)

afterAll(async () => {
  for (const node of nodes) await node.close()
  await closeOsso?.()
  await database.drop()
})

describe('two app nodes on one PostgreSQL with sessions in the database', () => {
  it('finish on the second node a login begun on the first', async () => {
    const [first, second] = nodes as [Stack, Stack]
    const browser = new TestBrowser()
    await queueOssoLogin(first.ossoUrl, 'user@example.com')
    const toOsso = await submitEmail(browser, first.appUrl, 'user@example.com')
    const back = await browser.get(toOsso.location!)
    const callback = new URL(back.location!)
    expect(callback.origin).toBe(first.appUrl)
    // The load balancer sends the callback to the other node.
    const paused = await browser.get(`${second.appUrl}${callback.pathname}${callback.search}`)
    expect(paused.location).toContain('/confirm-username?partial_token=')
    const confirmPage = new URL(paused.location!)
    const done = await confirmUsername(browser, first.appUrl, {
      ...paused,
      location: `${first.appUrl}${confirmPage.pathname}${confirmPage.search}`,
    })
    expect(new URL(done.location!).pathname).toBe('/profile')
    for (const node of nodes) {
      const profile = await browser.get(`${node.appUrl}/profile`, json)
      expect(profile.json()).toMatchObject({
        // The same type as on SQLite (acceptance.test.ts), though pg returns bigints as strings.
        user: { id: expect.stringMatching(/^\d+$/), email: 'user@example.com' },
        social: [{ provider: 'osso' }],
      })
    }
    const sessions = knex({ client: 'pg', connection: database.url })
    try {
      const rows = await sessions('social_auth_session').count({ n: '*' })
      expect(Number(rows[0]!.n)).toBeGreaterThan(0)
    } finally {
      await sessions.destroy()
    }
  })
})
