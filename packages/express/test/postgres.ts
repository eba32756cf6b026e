import { startPostgres } from '../../../test/support/postgres.mjs'

/** The PostgreSQL URL `npm test` provides, or a throwaway server started for this file. */
export async function postgresUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.SOCIAL_AUTH_TEST_PG_URL
  if (given) return { url: given, stop: async () => undefined }
  const server = await startPostgres()
  return { url: server.url, stop: () => server.stop() }
}
