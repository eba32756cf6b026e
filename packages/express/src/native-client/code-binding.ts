import { createHash } from 'node:crypto'
import { RESERVED_CODE_PREFIX } from '@social-auth/core'

// One-time codes live in `social_auth_code` (PSA's table for mailed codes). Its `email` column
// holds what the code is bound to, so the exchange can check it: the user, the PKCE challenge,
// and a digest of the client and redirect URI. The prefix is in core's reserved namespace,
// which email validation refuses as an address: a mailed code is never a native-client code
// (a provider may assert any "email"), and a native-client code never validates an address.
const PREFIX = `${RESERVED_CODE_PREFIX}native-client:`

// Exactly three fields, each in the base64url alphabet (so none can hold the separator): the
// user id (base64url of its text, so any id type fits), the S256 challenge (43 characters,
// RFC 7636 §4.2) and the 22-character client digest. The whole fits the column's 254.
const MAX_USER_FIELD = 254 - PREFIX.length - 43 - 22 - 2
const BINDING = new RegExp(
  `^([A-Za-z0-9_-]{1,${MAX_USER_FIELD}})\\|([A-Za-z0-9_-]{43})\\|([A-Za-z0-9_-]{22})$`,
)

/** What a native-client code is issued for. */
export interface CodeBinding {
  readonly userId: string
  readonly codeChallenge: string
  readonly clientId: string
  readonly redirectUri: string
}

const digest = (clientId: string, redirectUri: string): string =>
  createHash('sha256').update(`${clientId}\n${redirectUri}`).digest('base64url').slice(0, 22)

/** The value stored in the code row's `email` column (at most 254 characters). */
export function encodeBinding(binding: CodeBinding): string {
  const userId = Buffer.from(binding.userId, 'utf8').toString('base64url')
  if (userId.length > MAX_USER_FIELD) throw new Error('The user id is too long for a one-time code')
  return `${PREFIX}${userId}|${binding.codeChallenge}|${digest(binding.clientId, binding.redirectUri)}`
}

/**
 * The user and challenge a stored binding names, when it is a native-client binding in exactly
 * the form {@link encodeBinding} writes and it matches this client and redirect URI.
 */
export function decodeBinding(
  stored: string,
  clientId: string,
  redirectUri: string,
): { userId: string; codeChallenge: string } | undefined {
  if (!stored.startsWith(PREFIX)) return undefined
  const match = BINDING.exec(stored.slice(PREFIX.length))
  if (!match) return undefined
  const [, encodedUser, codeChallenge, bound] = match as unknown as [string, string, string, string]
  const userId = Buffer.from(encodedUser, 'base64url').toString('utf8')
  // Only the canonical encoding of a non-empty id: no second spelling of the same binding.
  if (userId === '' || Buffer.from(userId, 'utf8').toString('base64url') !== encodedUser)
    return undefined
  if (bound !== digest(clientId, redirectUri)) return undefined
  return { userId, codeChallenge }
}

/** base64url(SHA-256(verifier)): PKCE S256 (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}
