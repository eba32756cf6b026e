/**
 * QueryShapes: each query shape is compiled once and run with new values through knex's own
 * runner, on both databases, with the results, events and transactions of an ordinary query.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Knex } from 'knex'
import { QueryShapes, type QueryBuild } from '../src/query-shapes.js'
import { openDatabase, type TestDatabase } from './support/databases.js'

interface Row {
  id: number
  name: string
  note: string | null
}

describe.each(['sqlite', 'postgres'] as const)('QueryShapes on %s', (name) => {
  let db: TestDatabase
  let knex: Knex
  beforeAll(async () => {
    db = await openDatabase(name)
    knex = db.knex
    await knex.schema.createTable('shapes', (t) => {
      t.increments('id')
      t.string('name').notNullable()
      t.string('note').nullable()
    })
    await knex('shapes').insert([
      { name: 'ada', note: 'first' },
      { name: 'bob', note: null },
      { name: 'cy', note: 'first' },
    ])
  })
  afterAll(() => db.destroy())

  /** How many queries knex compiles while `work` runs (transactions' included). */
  async function compilesDuring(work: () => Promise<unknown>): Promise<number> {
    const prototype = Object.getPrototypeOf(knex.client) as { queryCompiler: unknown }
    const queryCompiler = prototype.queryCompiler as (...args: unknown[]) => unknown
    let count = 0
    prototype.queryCompiler = function (this: unknown, ...args: unknown[]) {
      count++
      return queryCompiler.apply(this, args)
    }
    try {
      await work()
      return count
    } finally {
      prototype.queryCompiler = queryCompiler
    }
  }

  it('compiles a shape once and runs it with each call’s values', async () => {
    const shapes = new QueryShapes(knex)
    const build: QueryBuild = ([n]) => knex('shapes').where('name', n!).first()
    const found: Array<string | undefined> = []
    const compiles = await compilesDuring(async () => {
      for (const n of ['ada', 'bob', 'zed'])
        found.push((await shapes.run<Row | undefined>(knex, 'by name', [n], build))?.name)
    })
    expect(found).toEqual(['ada', 'bob', undefined])
    // Once, with placeholders; never again.
    expect(compiles).toBe(1)
  })

  it('answers as the built query does: rows, first row, inserted rows, update counts', async () => {
    const shapes = new QueryShapes(knex)
    const listed = await shapes.run<Row[]>(knex, 'list', ['first'], ([note]) =>
      knex('shapes').where('note', note!).orderBy('id'),
    )
    expect(listed.map((row) => row.name)).toEqual(['ada', 'cy'])
    const inserted = await shapes.run<Row[]>(knex, 'insert', ['dee', 'new'], ([n, note]) =>
      knex('shapes').insert({ name: n, note }).returning('*'),
    )
    expect(inserted).toEqual([{ id: expect.any(Number), name: 'dee', note: 'new' }])
    const again = await shapes.run<Row[]>(knex, 'insert', ['eve', 'new'], ([n, note]) =>
      knex('shapes').insert({ name: n, note }).returning('*'),
    )
    expect(again[0]?.name).toBe('eve')
    const count = await shapes.run<number>(knex, 'update', ['old', 'new'], ([to, from]) =>
      knex('shapes').where('note', from!).update({ note: to }),
    )
    expect(count).toBe(2)
  })

  it('compiles null values as their own shape (is null), not as a bound value', async () => {
    const shapes = new QueryShapes(knex)
    const byNote = ([note]: readonly Knex.Value[]) =>
      knex('shapes')
        .where('note', note ?? null)
        .orderBy('id')
        .select('name')
    const none = await shapes.run<Array<{ name: string }>>(knex, 'by note', [null], byNote)
    const first = await shapes.run<Array<{ name: string }>>(knex, 'by note', ['first'], byNote)
    const noneAgain = await shapes.run<Array<{ name: string }>>(knex, 'by note', [null], byNote)
    expect(none.map((row) => row.name)).toEqual(['bob'])
    expect(first.map((row) => row.name)).toEqual(['ada', 'cy'])
    expect(noneAgain).toEqual(none)
  })

  it('compiles each time a query its values change the SQL of', async () => {
    const shapes = new QueryShapes(knex)
    // The value is written into the SQL as a column name, not bound.
    const build: QueryBuild = ([column]) =>
      knex('shapes')
        .select(knex.ref(column as string).as('picked'))
        .orderBy('id')
        .first()
    const picked: unknown[] = []
    const compiles = await compilesDuring(async () => {
      for (const column of ['name', 'note'])
        picked.push((await shapes.run<{ picked: unknown }>(knex, 'pick', [column], build)).picked)
    })
    expect(picked).toEqual(['ada', 'first'])
    // The attempt (placeholders) and both runs.
    expect(compiles).toBe(3)
  })

  it('compiles each time a query with a value of another kind (a raw expression)', async () => {
    const shapes = new QueryShapes(knex)
    const build: QueryBuild = ([n]) => knex('shapes').where('name', n!).first()
    let bob: Row | undefined
    const compiles = await compilesDuring(async () => {
      await shapes.run(knex, 'raw value', [knex.raw('?', ['ada'])], build)
      bob = await shapes.run<Row>(knex, 'raw value', [knex.raw('?', ['bob'])], build)
    })
    expect(bob?.name).toBe('bob')
    expect(compiles).toBe(2)
  })

  it('sends knex’s query events with each run’s own values and id', async () => {
    const shapes = new QueryShapes(knex)
    const seen: Array<{ sql: string; bindings: unknown[]; __knexQueryUid: string }> = []
    const answered: string[] = []
    const onQuery = (query: (typeof seen)[number]) => seen.push(query)
    const onResponse = (_response: unknown, query: { __knexQueryUid: string }) =>
      answered.push(query.__knexQueryUid)
    knex.on('query', onQuery).on('query-response', onResponse)
    try {
      for (const n of ['ada', 'cy'])
        await shapes.run(knex, 'events', [n], ([value]) => knex('shapes').where('name', value!))
    } finally {
      knex.off('query', onQuery).off('query-response', onResponse)
    }
    expect(seen.map((query) => query.bindings)).toEqual([['ada'], ['cy']])
    expect(seen[0]!.sql).toBe(seen[1]!.sql)
    expect(seen[0]!.__knexQueryUid).not.toBe(seen[1]!.__knexQueryUid)
    expect(answered).toEqual(seen.map((query) => query.__knexQueryUid))
  })

  it('gives toNative the driver’s SQL with this run’s values', async () => {
    const shapes = new QueryShapes(knex)
    const build: QueryBuild = ([n]) => knex('shapes').where('name', n!)
    await shapes.run(knex, 'native', ['ada'], build)
    const builder = shapes.run(knex, 'native', ['cy'], build) as unknown as Knex.QueryBuilder
    const native = builder.toSQL().toNative()
    expect(native.bindings).toEqual(['cy'])
    expect(native.sql).toContain(name === 'postgres' ? '$1' : '?')
    expect(await builder).toEqual([expect.objectContaining({ name: 'cy' })])
  })

  it('runs inside the transaction it is given', async () => {
    const shapes = new QueryShapes(knex)
    const insert: QueryBuild = ([n]) => knex('shapes').insert({ name: n })
    await shapes.run(knex, 'trx insert', ['warm'], insert)
    await expect(
      knex.transaction(async (trx) => {
        await shapes.run(trx, 'trx insert', ['rolled-back'], insert)
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(await knex('shapes').where('name', 'rolled-back').first()).toBeUndefined()
    expect(await knex('shapes').where('name', 'warm').first()).toBeDefined()
  })

  it('reports a query knex refuses (undefined in a where) as knex does', async () => {
    const shapes = new QueryShapes(knex)
    const build: QueryBuild = ([n]) => knex('shapes').where('name', n as string)
    await expect(
      shapes.run(knex, 'undefined', [undefined as unknown as Knex.Value], build),
    ).rejects.toThrow(/Undefined binding/)
  })
})
