import { beforeEach, describe, it } from '@jest/globals'
import { clearDiscoveryCache } from '@social-auth/oauth'
import { runBackendFixture, runBackendRejection } from '@social-auth/oauth/testing'
import { fixtureTables } from './fixtures/index.js'

// Every provider runs through the shared harness: recorded-shape answers in, uid, details,
// extra_data, the email rule (and refresh/revoke where the provider has them) checked out.
describe.each(Object.entries(fixtureTables))('the %s backend', (_name, table) => {
  // Discovery documents are cached per issuer; each row serves its own.
  beforeEach(() => clearDiscoveryCache())

  it.each(table.fixtures.map((fixture) => [fixture.name, fixture] as const))(
    '%s',
    async (_title, fixture) => {
      await runBackendFixture(fixture)
    },
  )

  if (table.rejections?.length) {
    it.each(table.rejections.map((fixture) => [fixture.name, fixture] as const))(
      '%s',
      async (_title, fixture) => {
        await runBackendRejection(fixture)
      },
    )
  }
})
