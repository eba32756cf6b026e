import { apiMe, whoami } from './api.js'
import { loadCredentials, removeCredentials } from './credentials.js'
import { login, type LoginIo } from './login.js'
import type { CliSettings } from './settings.js'

const usage = (program: string): string => `usage: ${program} <command>

  login    sign in through the browser and save a token
  whoami   print who the saved token belongs to
  api      call the API's /me with the saved token
  logout   forget the saved token`

/** What {@link run} talks to beyond a login's browser and output. */
export interface RunIo extends LoginIo {
  /** How the user starts this program, for the messages that tell them what to type next. */
  readonly program?: string
}

/** Runs one command; returns the exit code. */
export async function run(
  args: readonly string[],
  settings: CliSettings,
  io: RunIo = {},
): Promise<number> {
  const print = io.print ?? ((line: string) => console.log(line))
  const program = io.program ?? 'social-auth-cli'
  const command = args[0]
  try {
    switch (command) {
      case 'login': {
        const credentials = await login(settings, io)
        print(`Signed in as ${await whoami(settings, credentials)}`)
        return 0
      }
      case 'whoami':
      case 'api': {
        const credentials = await loadCredentials(settings.credentialsFile)
        if (!credentials) {
          print(`Not signed in; run \`${program} login\`.`)
          return 1
        }
        print(
          command === 'whoami'
            ? await whoami(settings, credentials)
            : JSON.stringify(await apiMe(settings, credentials), null, 2),
        )
        return 0
      }
      case 'logout':
        await removeCredentials(settings.credentialsFile)
        print('Signed out.')
        return 0
      default:
        print(usage(program))
        return command === undefined || command === 'help' ? 0 : 2
    }
  } catch (err) {
    print(`error: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
