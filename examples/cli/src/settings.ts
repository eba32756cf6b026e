import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where the CLI talks to and keeps its token. */
export interface CliSettings {
  /** The app that signs the user in and issues tokens (default http://localhost:3000). */
  readonly appUrl: string
  /** The API the token is for (default http://localhost:8001, the resource-server example). */
  readonly apiUrl: string
  /** This client's id at the app. */
  readonly clientId: string
  /** The credentials file (mode 0600). */
  readonly credentialsFile: string
  /** Seconds `login` waits for the browser (default 300). */
  readonly timeoutSeconds: number
}

/**
 * Reads `SOCIAL_AUTH_APP_URL`, `SOCIAL_AUTH_API_URL`, `SOCIAL_AUTH_CLI_CLIENT_ID`,
 * `SOCIAL_AUTH_CLI_TIMEOUT` and the user's config directory (`XDG_CONFIG_HOME`, else `~/.config`).
 */
export function readSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliSettings {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return {
    appUrl: (env.SOCIAL_AUTH_APP_URL || 'http://localhost:3000').replace(/\/+$/, ''),
    apiUrl: (env.SOCIAL_AUTH_API_URL || 'http://localhost:8001').replace(/\/+$/, ''),
    clientId: env.SOCIAL_AUTH_CLI_CLIENT_ID || 'social-auth-cli',
    credentialsFile: join(configHome, 'social-auth-cli', 'credentials.json'),
    timeoutSeconds: Number(env.SOCIAL_AUTH_CLI_TIMEOUT || 300),
  }
}
