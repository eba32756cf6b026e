/** A running throwaway PostgreSQL cluster. */
export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/social_auth` */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}
export function startPostgres(): Promise<ThrowawayPostgres>
