import { describe, expect, it } from '@jest/globals'
import { rememberPendingLogin, takePendingLogin, type PendingLogin } from '../src/index.js'
import { MemorySession } from '../src/testing/index.js'

const OPTIONS = { key: 'logins', ttlMs: 600_000 }
const login = (state: string, createdAt: number): PendingLogin & { backend: string } => ({
  state,
  createdAt,
  backend: 'osso',
})

describe('pending logins in the session', () => {
  it('takes a pending login once, and leaves nothing behind once none is pending', () => {
    const session = new MemorySession()
    rememberPendingLogin(session, OPTIONS, login('a', 1000))
    rememberPendingLogin(session, OPTIONS, login('b', 1001))
    expect(takePendingLogin(session, OPTIONS, 'a', 2000)).toEqual({
      kind: 'found',
      login: login('a', 1000),
    })
    expect(takePendingLogin(session, OPTIONS, 'a', 2000)).toEqual({ kind: 'unknown' })
    expect(session.get('logins')).toEqual([login('b', 1001)])
    expect(takePendingLogin(session, OPTIONS, 'b', 2000)).toMatchObject({ kind: 'found' })
    expect(session.get('logins')).toBeUndefined()
    expect(takePendingLogin(session, OPTIONS, 'b', 2000)).toEqual({ kind: 'none-pending' })
  })

  it('keeps a list (no key per state), the newest ten, and drops expired logins', () => {
    const session = new MemorySession()
    for (let i = 0; i < 12; i++) rememberPendingLogin(session, OPTIONS, login(`s${i}`, 1000 + i))
    const kept = session.get<PendingLogin[]>('logins')!
    expect(Array.isArray(kept)).toBe(true)
    expect(kept.map((l) => l.state)).toEqual(Array.from({ length: 10 }, (_, i) => `s${i + 2}`))
    const later = 1000 + OPTIONS.ttlMs + 6
    expect(takePendingLogin(session, OPTIONS, 's5', later)).toEqual({ kind: 'unknown' })
    expect(takePendingLogin(session, OPTIONS, 's11', later)).toMatchObject({ kind: 'found' })
    expect(takePendingLogin(session, OPTIONS, 's11', later + OPTIONS.ttlMs)).toEqual({
      kind: 'none-pending',
    })
  })

  it('replaces a login saved again under the same state', () => {
    const session = new MemorySession()
    rememberPendingLogin(session, OPTIONS, login('a', 1000))
    rememberPendingLogin(session, OPTIONS, { ...login('a', 1005), backend: 'other' })
    expect(session.get('logins')).toEqual([{ ...login('a', 1005), backend: 'other' }])
  })

  it('reads logins kept by state in an object, as sessions written before the list hold them', () => {
    const session = new MemorySession()
    session.set('logins', { a: login('a', 1000), b: login('b', 1001) })
    expect(takePendingLogin(session, OPTIONS, 'b', 2000)).toEqual({
      kind: 'found',
      login: login('b', 1001),
    })
    expect(session.get('logins')).toEqual([login('a', 1000)])
  })

  it('ignores junk in the session instead of failing', () => {
    const session = new MemorySession()
    session.set('logins', [null, 'x', { state: 1 }, { state: 'ok' }, login('a', 1000)])
    expect(takePendingLogin(session, OPTIONS, 'a', 2000)).toMatchObject({ kind: 'found' })
    session.set('logins', 'not a list')
    expect(takePendingLogin(session, OPTIONS, 'a', 2000)).toEqual({ kind: 'none-pending' })
  })
})
