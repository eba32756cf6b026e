import { createHash, randomBytes } from 'node:crypto'
import { saveCredentials, type Credentials } from './credentials.js'
import { startLoopbackReceiver } from './loopback.js'
import { openBrowser } from './open-browser.js'
import type { CliSettings } from './settings.js'

/** How `login` reaches the user (tests replace both). */
export interface LoginIo {
  /** Shows the authorization URL in the user's browser. */
  readonly openUrl?: (url: string) => void | Promise<void>
  readonly print?: (line: string) => void
}

const base64url = (bytes: Buffer): string => bytes.toString('base64url')

/**
 * Signs the user in through the browser (RFC 8252): a loopback listener on 127.0.0.1, PKCE
 * S256 and a state; the browser signs in at the app and approves this client; the code comes
 * back to the loopback port and is exchanged for the app's access token, which is saved with
 * mode 0600. Returns the saved credentials.
 */
export async function login(settings: CliSettings, io: LoginIo = {}): Promise<Credentials> {
  const print = io.print ?? ((line: string) => console.log(line))
  const verifier = base64url(randomBytes(32))
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const state = base64url(randomBytes(16))
  const receiver = await startLoopbackReceiver(state)
  try {
    const url = new URL(`${settings.appUrl}/cli/authorize`)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: settings.clientId,
      redirect_uri: receiver.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    }).toString()
    print(`Opening your browser to sign in. If it does not open, visit:\n  ${url.href}`)
    await (io.openUrl ?? openBrowser)(url.href)
    const result = await receiver.wait(settings.timeoutSeconds * 1000)
    // The receiver takes only this run's state (another page can neither feed us its code nor
    // end the sign-in); checked again here in case the receiver is ever swapped.
    if (result.state !== state)
      throw new Error('the answer does not belong to this sign-in (state mismatch)')
    if (result.error || !result.code)
      throw new Error(`sign-in was not completed (${result.error ?? 'no code'})`)
    const response = await fetch(`${settings.appUrl}/cli/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: result.code,
        code_verifier: verifier,
        redirect_uri: receiver.redirectUri,
        client_id: settings.clientId,
      }),
    })
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    if (!response.ok || typeof body.access_token !== 'string') {
      const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`
      throw new Error(`the app refused the code (${reason})`)
    }
    const credentials: Credentials = {
      accessToken: body.access_token,
      expiresAt: Math.floor(Date.now() / 1000) + Number(body.expires_in ?? 0),
      appUrl: settings.appUrl,
    }
    await saveCredentials(settings.credentialsFile, credentials)
    return credentials
  } finally {
    await receiver.close()
  }
}
