import type { Credentials } from './credentials.js'
import type { CliSettings } from './settings.js'

/** A call to the app or the API with the saved token. */
async function getWithToken(
  url: string,
  credentials: Credentials,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${credentials.accessToken}`, accept: 'application/json' },
  })
  const textBody = await response.text()
  let body: unknown = textBody
  try {
    body = JSON.parse(textBody) as unknown
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body }
}

/** Who the token belongs to, as the app says (`GET /user/id`). */
export async function whoami(settings: CliSettings, credentials: Credentials): Promise<string> {
  const { status, body } = await getWithToken(`${settings.appUrl}/user/id`, credentials)
  if (status !== 200)
    throw new Error(`the app refused the token (HTTP ${status}); run \`login\` again`)
  if (typeof body === 'object' && body !== null && 'email' in body) return String(body.email)
  return String(body)
}

/** `GET <api>/me` with the token: what the API knows of the user. */
export async function apiMe(settings: CliSettings, credentials: Credentials): Promise<unknown> {
  const { status, body } = await getWithToken(`${settings.apiUrl}/me`, credentials)
  if (status !== 200) throw new Error(`the API refused the token (HTTP ${status})`)
  return body
}
