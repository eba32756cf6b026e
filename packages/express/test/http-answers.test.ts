import { describe, expect, it } from '@jest/globals'
import express, { type Request } from 'express'
import { coreSession } from '../src/session-data.js'
import { wantsJson } from '../src/index.js'

/** A real Express request object with these headers (no server needed). */
function requestWith(headers: Record<string, string>): Request {
  const app = express()
  const req = Object.create(app.request) as Request
  Object.assign(req, { headers, app })
  return req
}

describe('wantsJson', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['*/*', false],
    ['text/*', false],
    ['application/json', true],
    ['application/json, text/plain, */*', true],
    ['application/*', true],
    ['text/html;q=0.9, application/json', true],
    ['application/json;q=0.1, text/html', false],
    ['application/problem+json', false],
    // Media types are case-insensitive, and `*/*` can outrank HTML.
    ['APPLICATION/JSON', true],
    ['Application/*', true],
    ['*/JSON', true],
    ['text/html;q=0.1, */*', true],
    ['text/html;q=0, */*', true],
    ['text/*;q=0.5, */*', true],
    ['text/html;q=0.5,*/*;q=0.9', true],
  ])('Accept %p → %p', (accept, expected) => {
    const headers: Record<string, string> = accept === undefined ? {} : { accept }
    expect(wantsJson(requestWith(headers))).toBe(expected)
    // Asked again (the kept answer), and as the full negotiation answers.
    expect(wantsJson(requestWith(headers))).toBe(expected)
    if (accept) expect(requestWith(headers).accepts(['html', 'json']) === 'json').toBe(expected)
  })
})

describe('coreSession values', () => {
  const sessionOf = (): { req: Request; session: ReturnType<typeof coreSession> } => {
    const req = { session: {} } as unknown as Request
    return { req, session: coreSession(req) }
  }

  it('keeps primitives as they are and stores objects as JSON would bring them back', () => {
    const { session } = sessionOf()
    session.set('text', 'a')
    session.set('count', 3)
    session.set('flag', false)
    session.set('nothing', null)
    session.set('nan', Number.NaN)
    session.set('minusZero', -0)
    session.set('when', new Date(0))
    const object = { nested: { list: [1, 'two'] }, skip: undefined }
    session.set('object', object)
    object.nested.list.push(3)
    expect(session.get('text')).toBe('a')
    expect(session.get('count')).toBe(3)
    expect(session.get('flag')).toBe(false)
    expect(session.get('nothing')).toBeNull()
    expect(session.get('nan')).toBeNull()
    expect(Object.is(session.get('minusZero'), 0)).toBe(true)
    expect(session.get('when')).toBe('1970-01-01T00:00:00.000Z')
    expect(session.get('object')).toEqual({ nested: { list: [1, 'two'] } })
  })

  it('removes a key set to undefined', () => {
    const { session } = sessionOf()
    session.set('gone', 'x')
    session.set('gone', undefined)
    expect(session.get('gone')).toBeUndefined()
  })
})
