import { describe, expect, it } from '@jest/globals'
import { ImproperlyConfigured } from '@social-auth/core'
import { configFromEnv } from '../src/index.js'

// The example's environment, read as a person writes it (compose files, Windows `set`, …).
describe('configFromEnv', () => {
  it('reads PORT with blanks around it, and a blank PORT as unset', () => {
    expect(configFromEnv({ PORT: ' 8080 ' }).port).toBe(8080)
    expect(configFromEnv({ PORT: '3001\r' }).port).toBe(3001)
    expect(configFromEnv({ PORT: '' }).port).toBe(3000)
    expect(configFromEnv({}).port).toBe(3000)
    for (const port of ['abc', '-1', '65536', '80.5', '0x50'])
      expect(() => configFromEnv({ PORT: port })).toThrow(ImproperlyConfigured)
  })

  it('reads TRUST_PROXY as Express documents it: true/false, a hop count, or addresses', () => {
    expect(configFromEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(configFromEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    // A number is hops, not the address 0.0.0.1.
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(configFromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    )
    expect(configFromEnv({}).trustProxy).toBeUndefined()
  })

  it('keeps PUBLIC_URL in one spelling, and refuses one with a query, a fragment or credentials', () => {
    expect(configFromEnv({ PUBLIC_URL: 'HTTPS://App.Example.com/' }).publicUrl).toBe(
      'https://app.example.com',
    )
    expect(configFromEnv({ PUBLIC_URL: 'https://example.com/app/' }).publicUrl).toBe(
      'https://example.com/app',
    )
    for (const url of [
      'notaurl',
      'ftp://example.com',
      'https://example.com/?x=1',
      'https://example.com/#top',
      'https://user:pass@example.com',
    ])
      expect(() => configFromEnv({ PUBLIC_URL: url })).toThrow(ImproperlyConfigured)
  })
})
