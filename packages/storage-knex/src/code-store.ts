/** PSA's `CodeMixin`: table `social_auth_code`. */
import { uuidHex, type Code, type CodeStorage } from '@social-auth/core'
import { fromDbBoolean, fromDbDate, toDbDate } from './sql-values.js'
import type { StoreContext } from './store-context.js'

const TABLE = 'social_auth_code'

function codeFromRow(row: Record<string, unknown>): Code {
  return {
    id: row.id as Code['id'],
    email: String(row.email),
    code: String(row.code),
    verified: fromDbBoolean(row.verified),
    timestamp: fromDbDate(row.timestamp),
  }
}

/** The email validation code store. */
export function codeStore(ctx: StoreContext): CodeStorage {
  const { db } = ctx
  return {
    async makeCode(email) {
      const rows = (await db(TABLE)
        .insert({
          email,
          code: uuidHex(),
          verified: false,
          timestamp: toDbDate(ctx.dialect, ctx.now()),
        })
        .returning('*')) as Record<string, unknown>[]
      return codeFromRow(rows[0]!)
    },
    async getCode(code) {
      const row = (await db(TABLE).where('code', code).orderBy('id').first()) as
        Record<string, unknown> | undefined
      return row ? codeFromRow(row) : null
    },
    async verify(code) {
      // Conditional update: of two racing requests only one sees a changed row.
      const changed = await db(TABLE)
        .where({ email: code.email, code: code.code, verified: false })
        .update({ verified: true })
      code.verified = true
      return Number(changed) > 0
    },
  }
}
