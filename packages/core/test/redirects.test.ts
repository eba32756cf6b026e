import { describe, expect, it } from '@jest/globals'
import { appendQuery, isUrl, sanitizeRedirect, type BackendDefinition } from '../src/index.js'
import { codeOf, dummy, location, login, setup } from './helpers.js'

describe('sanitizeRedirect (PSA behaviours 59–60, psa.md §3.8)', () => {
  const hosts = ['myapp.com']

  it.each([[null], [''], [{}], [{ foo: 'bar' }], [undefined], [42]])(
    'refuses the non-URL value %p (59)',
    (value) => {
      expect(sanitizeRedirect(hosts, value)).toBeNull()
    },
  )

  it.each([
    'http://notmyapp.com/path/',
    '///evil.com',
    '/\\evil.com',
    '/path/\n',
    '/\tevil.com',
    '/\u200bevil',
    'https:///evil.example/path',
    'http:evil.example/path',
    'javascript://myapp.com/%0Aalert(1)',
    'ftp://myapp.com/path',
    'https://evil.c\u2100.myapp.com',
    '//evil.com/path',
  ])('refuses %j (59)', (url) => {
    expect(sanitizeRedirect(hosts, url)).toBeNull()
  })

  it.each(['http://myapp.com/path/', '/path/', 'https://myapp.com', '/path?next=/x#frag'])(
    'returns %j unchanged (59)',
    (url) => {
      expect(sanitizeRedirect(hosts, url)).toBe(url)
    },
  )

  it('accepts each of several hosts, comparing the port too (59)', () => {
    const several = ['myapp.com', 'other.example:8443']
    expect(sanitizeRedirect(several, 'https://other.example:8443/x')).toBe(
      'https://other.example:8443/x',
    )
    expect(sanitizeRedirect(several, 'http://myapp.com/x')).toBe('http://myapp.com/x')
    expect(sanitizeRedirect(several, 'https://other.example/x')).toBeNull()
  })

  it('accepts an allowed private-use scheme case-insensitively with any host, and refuses others (60)', () => {
    const schemes = ['http', 'https', 'com.example.app']
    for (const url of [
      'com.example.app://oauth2redirect',
      'com.example.app:/oauth2redirect',
      'COM.Example.App://any.host/x',
    ]) {
      expect(sanitizeRedirect(hosts, url, schemes)).toBe(url)
    }
    expect(sanitizeRedirect(hosts, 'com.other.app://oauth2redirect', schemes)).toBeNull()
    expect(sanitizeRedirect(hosts, 'http://evil.example/', schemes)).toBeNull()
    expect(sanitizeRedirect(hosts, 'http://myapp.com/path/', schemes)).toBe(
      'http://myapp.com/path/',
    )
  })

  it('refuses web URLs when the schemes are restricted to a private-use one (60)', () => {
    expect(sanitizeRedirect(hosts, 'http://myapp.com/path/', ['com.example.app'])).toBeNull()
  })

  it('tells URLs from setting names (is_url)', () => {
    expect(isUrl('/x')).toBe(true)
    expect(isUrl('https://x.example')).toBe(true)
    expect(isUrl('LOGIN_REDIRECT_URL')).toBe(false)
    expect(isUrl('com.example.app://cb')).toBe(false)
    expect(isUrl('com.example.app://cb', ['com.example.app'])).toBe(true)
    expect(isUrl(undefined)).toBe(false)
  })

  it('appends query parameters before the fragment', () => {
    expect(appendQuery('/a#top', { next: '/b' })).toBe('/a?next=%2Fb#top')
    expect(appendQuery('/a?x=1', { next: '/b' })).toBe('/a?x=1&next=%2Fb')
  })
})

describe('redirect settings in the actions', () => {
  it('lets any next through with SANITIZE_REDIRECTS off', async () => {
    const t = await setup({ SOCIAL_AUTH_SANITIZE_REDIRECTS: false })
    expect(location(await login(t, { body: { next: 'https://elsewhere.example/' } }))).toBe(
      'https://elsewhere.example/',
    )
  })

  it('refuses at start-up a URL setting whose value is not a URL, which PSA’s setting_url skips for the next candidate', async () => {
    expect(await codeOf(setup({ NEW_USER_REDIRECT_URL: 'welcome-page' }))).toBe(
      'ERR_IMPROPERLY_CONFIGURED',
    )
  })

  it('hands backends an https redirect URI with REDIRECT_IS_HTTPS (social-core#923)', async () => {
    const seen: string[] = []
    const base = dummy()
    const backend: BackendDefinition = {
      ...base,
      async start(call) {
        seen.push(call.redirectUri)
        return base.start(call)
      },
      async complete(call) {
        seen.push(call.redirectUri)
        return base.complete(call)
      },
    }
    const t = await setup({ REDIRECT_IS_HTTPS: true }, { backends: [backend] })
    await login(t)
    expect(seen).toEqual(['https://myapp.com/complete/dummy/', 'https://myapp.com/complete/dummy/'])
    const plain = await setup({}, { backends: [backend] })
    await login(plain)
    expect(seen.slice(2)).toEqual([
      'http://myapp.com/complete/dummy/',
      'http://myapp.com/complete/dummy/',
    ])
  })

  it('makes the disconnect redirect https with REDIRECT_IS_HTTPS', async () => {
    const t = await setup({ REDIRECT_IS_HTTPS: true })
    const user = await t.storage.user.createUser({ username: 'u', password: 'hash' })
    await t.storage.user.createSocialAuth(user, '1', 'dummy')
    const response = await t.social.disconnect(t.strategy.request({ method: 'POST' }), 'dummy', {
      user,
    })
    expect(location(response)).toBe('https://myapp.com/success')
  })
})
