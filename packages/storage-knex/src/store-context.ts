import type { User } from '@social-auth/core'
import type { SchemaDialect } from '@social-auth/migrations'
import type { Knex } from 'knex'
import type { ExtraDataCodec } from './extra-data-codec.js'
import type { QueryShapes } from './query-shapes.js'
import type { UserTable } from './user-table.js'

/** What every table store needs: the connection or transaction, and the resolved options. */
export interface StoreContext {
  /** The knex instance, or the transaction the stores run in. */
  readonly db: Knex
  readonly dialect: SchemaDialect
  readonly users: UserTable
  readonly codec: ExtraDataCodec
  readonly usernameMaxLength: number
  /**
   * Users read in this transaction, by id. The association lookup joins its user and keeps it
   * here, so the pipeline's next call (`getUserAnyState`) costs no statement. Null outside a
   * transaction, where a cache could serve stale rows.
   */
  readonly userCache: Map<string, User> | null
  /** The clock. */
  readonly now: () => Date
  /** The storage's compiled queries, shared by its transactions. */
  readonly shapes: QueryShapes
}
