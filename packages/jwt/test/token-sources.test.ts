import { describe, expect, it } from '@jest/globals'
import { TokenNotFound, TokenRequestMalformed } from '@social-auth/core'
import { extractToken, tokenSources } from '../src/index.js'

// The USSO guide's token sources (JWTHeaderConfig) and RFC 6750 §2.1 (b64token), §2 (one method).

const T = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.c2ln'
const extract = (headers: Record<string, string | string[]>, config = {}) =>
  extractToken({ headers }, tokenSources(config))

describe('token sources', () => {
  it('read Authorization: Bearer by default and ignore cookies unless a cookie name is configured', () => {
    expect(extract({ authorization: `Bearer ${T}` })).toBe(T)
    expect(() => extract({ cookie: `access_token=${T}` })).toThrow(TokenNotFound)
  })

  it('read a custom header with a custom prefix, or a bare token with an empty prefix (USSO JWTHeaderConfig)', () => {
    expect(extract({ 'x-api-token': `Token ${T}` }, { name: 'X-Api-Token', prefix: 'Token' })).toBe(
      T,
    )
    expect(extract({ 'x-access-token': T }, { name: 'X-Access-Token', prefix: '' })).toBe(T)
    expect(() =>
      extract({ authorization: `Bearer ${T}` }, { name: 'X-Access-Token', prefix: '' }),
    ).toThrow(TokenNotFound)
  })

  it('read the configured cookie among others, quoted or not', () => {
    const config = { cookieName: 'access_token' }
    expect(extract({ cookie: `a=1; access_token=${T}; b=2` }, config)).toBe(T)
    expect(extract({ cookie: `access_token="${T}"` }, config)).toBe(T)
    expect(() => extract({ cookie: 'access_token=; other=1' }, config)).toThrow(TokenNotFound)
    expect(() => extract({ cookie: `my_access_token=${T}` }, config)).toThrow(TokenNotFound)
  })

  it('refuse a token sent by two methods with invalid_request (RFC 6750 §2)', () => {
    expect(() =>
      extract(
        { authorization: `Bearer ${T}`, cookie: `access_token=${T}` },
        { cookieName: 'access_token' },
      ),
    ).toThrow(TokenRequestMalformed)
  })

  it('refuse a cookie sent twice, since which one counts would be a guess', () => {
    expect(() =>
      extract({ cookie: `access_token=${T}; access_token=${T}x` }, { cookieName: 'access_token' }),
    ).toThrow(/more than once/)
  })

  it('refuse a broken bearer header with invalid_request (RFC 6750 §3.1)', () => {
    for (const authorization of [
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Bearer a,b',
      'Bearer "a"',
      'Bearer a=b',
    ])
      expect(() => extract({ authorization })).toThrow(TokenRequestMalformed)
  })

  it('treat another scheme, or a scheme merely starting with Bearer, as no bearer token', () => {
    for (const authorization of ['Basic dTpw', 'DPoP abc', 'Bearerx abc', 'Bear abc'])
      expect(() => extract({ authorization })).toThrow(TokenNotFound)
  })
})
