import { createHash } from 'node:crypto'

// One-time codes live in `social_auth_code` (PSA's table for mailed codes). Its `email` column
// holds what the code is bound to, so the exchange can check it: the user, the PKCE challenge,
// and a digest of the client and redirect URI. The prefix keeps these rows apart from mailed
// codes (which are looked up by email and so never match one of these).
const PREFIX = 'cli|'

/** What a native-client code is issued for. */
export interface CodeBinding {
  readonly userId: string
  readonly codeChallenge: string
  readonly clientId: string
  readonly redirectUri: string
}

const digest = (clientId: string, redirectUri: string): string =>
  createHash('sha256').update(`${clientId}\n${redirectUri}`).digest('base64url').slice(0, 22)

/** The value stored in the code row's `email` column (at most ~200 characters). */
export function encodeBinding(binding: CodeBinding): string {
  return `${PREFIX}${binding.userId}|${binding.codeChallenge}|${digest(binding.clientId, binding.redirectUri)}`
}

/** The user and challenge a stored binding names, when it matches this client and redirect URI. */
export function decodeBinding(
  stored: string,
  clientId: string,
  redirectUri: string,
): { userId: string; codeChallenge: string } | undefined {
  if (!stored.startsWith(PREFIX)) return undefined
  const [userId, codeChallenge, bound] = stored.slice(PREFIX.length).split('|')
  if (!userId || !codeChallenge || bound !== digest(clientId, redirectUri)) return undefined
  return { userId, codeChallenge }
}

/** base64url(SHA-256(verifier)): PKCE S256 (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}
