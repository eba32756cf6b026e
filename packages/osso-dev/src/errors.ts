/**
 * Thrown by {@link createOssoDevServer} when the configuration is unusable, so a typo in a
 * seed fails at start-up instead of as a confusing error page at the first login.
 *
 * @example
 * ```ts
 * try { createOssoDevServer({ fidelity: 'loose' as never }) } catch (err) {
 *   if (err instanceof OssoDevConfigError) console.error(err.code, err.message)
 * }
 * ```
 */
export class OssoDevConfigError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'ERR_OSSO_DEV_CONFIG'

  constructor(message: string) {
    super(message)
    this.name = 'OssoDevConfigError'
  }
}
