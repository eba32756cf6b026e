import { describe, expect, it } from '@jest/globals'
import { MemorySession } from '@social-auth/core/testing'
import { saveTransaction, takeTransaction, type LoginTransaction } from '../src/transactions.js'

const TTL = 600_000
const tx = (state: string, createdAt: number): LoginTransaction => ({
  state,
  backend: 'osso',
  issuer: 'https://osso.example',
  redirectUri: 'https://app.example/complete/osso/',
  createdAt,
})

describe('login transactions in the session', () => {
  it('takes a pending login once, and leaves no empty record once none is pending', () => {
    const session = new MemorySession()
    saveTransaction(session, tx('a', 1000), TTL)
    saveTransaction(session, tx('b', 1001), TTL)
    expect(takeTransaction(session, 'a', 2000, TTL)).toMatchObject({ kind: 'found' })
    expect(takeTransaction(session, 'a', 2000, TTL)).toEqual({ kind: 'unknown' })
    expect(session.get('social_auth_transactions')).toEqual({ b: tx('b', 1001) })
    expect(takeTransaction(session, 'b', 2000, TTL)).toMatchObject({ kind: 'found' })
    expect(session.get('social_auth_transactions')).toBeUndefined()
    expect(takeTransaction(session, 'b', 2000, TTL)).toEqual({ kind: 'none-pending' })
  })

  it('keeps the ten newest pending logins and drops expired ones', () => {
    const session = new MemorySession()
    for (let i = 0; i < 12; i++) saveTransaction(session, tx(`s${i}`, 1000 + i), TTL)
    const kept = Object.keys(
      session.get<Record<string, LoginTransaction>>('social_auth_transactions')!,
    )
    expect(kept.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${i + 2}`).sort())
    expect(takeTransaction(session, 's5', 1000 + TTL + 6, TTL)).toEqual({ kind: 'unknown' })
    expect(takeTransaction(session, 's11', 1000 + TTL + 6, TTL)).toMatchObject({ kind: 'found' })
  })
})
