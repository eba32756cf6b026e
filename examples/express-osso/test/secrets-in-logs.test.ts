import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { TestBrowser } from '@social-auth/express/testing'
import { json, queueOssoLogin, signIn, startStack, submitEmail, type Stack } from './support.js'

// security.md §5.5: codes, states, tokens and secrets never reach a log line.
let stack: Stack
const lines: string[] = []
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const

beforeAll(async () => {
  for (const method of methods) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(
        args
          .map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack ?? ''}` : String(arg)))
          .join(' '),
      )
    })
  }
  stack = await startStack({
    env: { SOCIAL_AUTH_OSSO_SECRET: 'demo-client-secret' },
    app: { logError: (line) => lines.push(line) },
  })
})
afterAll(async () => {
  await stack.close()
  jest.restoreAllMocks()
})

describe('logs', () => {
  it('never contain the client secret, codes, states, tokens or session ids of happy and failed logins', async () => {
    const browser = new TestBrowser()
    await signIn(browser, stack)
    const secrets = ['demo-client-secret']
    for (let i = 0; i < 3; i++) {
      const other = new TestBrowser()
      await queueOssoLogin(stack.ossoUrl, 'user@example.com')
      const toOsso = await submitEmail(other, stack.appUrl, 'user@example.com')
      const state = new URL(toOsso.location!).searchParams.get('state')!
      const back = await other.get(toOsso.location!)
      const code = new URL(back.location!).searchParams.get('code')!
      secrets.push(state, code)
      if (i === 0) await other.get(back.location!)
      if (i === 1) await other.get(`${stack.appUrl}/complete/osso/?code=${code}&state=${state}x`)
      if (i === 2)
        await other.get(`${stack.appUrl}/complete/osso/?error=access_denied&state=${state}`)
      secrets.push(decodeURIComponent(other.cookie(stack.appUrl, 'sid') ?? 'no-cookie'))
    }
    await new TestBrowser().get(
      `${stack.appUrl}/complete/osso/?code=${'e'.repeat(64)}&state=${'f'.repeat(43)}`,
      json,
    )
    for (const token of stack.osso.state.tokens.keys()) secrets.push(token)
    expect(stack.osso.state.tokens.size).toBeGreaterThan(0)
    const output = lines.join('\n')
    for (const secret of secrets) expect(output).not.toContain(secret)
  })
})
