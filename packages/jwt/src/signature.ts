import { TokenInvalid } from '@social-auth/core'
import { algorithmSpec, type AlgorithmSpec } from './algorithms.js'
import { decodeBase64url } from './base64url.js'
import type { CompactJwsParts } from './compact-jws.js'
import type { KeyResolver } from './key-source.js'
import type { ProtectedHeader } from './protected-header.js'
import type { VerificationKey } from './verification-keys.js'

/**
 * Checks a JWS signature with a key chosen by configuration: the header's `alg` must already be
 * on the allowlist (checked before any key lookup, so a refused `alg` cannot cause a JWKS
 * fetch), the key must fit that `alg`, and the `kid` is matched exactly. An unknown `kid` asks
 * the key source to refetch once — the source rate-limits that, so a storm of random `kid`s
 * costs at most one fetch per cooldown — which is how a key rotation is picked up.
 *
 * @example
 * ```ts
 * await verifySignature(splitCompactJws(token), parseProtectedHeader(parts.header), resolver)
 * ```
 */
export async function verifySignature(
  parts: CompactJwsParts,
  header: ProtectedHeader,
  resolver: KeyResolver,
): Promise<void> {
  const spec = specOf(header)
  let candidates = (await resolver.current()).select(header.alg, header.kid)
  if (candidates.length === 0) {
    if (await resolver.refreshForUnknownKid())
      candidates = (await resolver.current()).select(header.alg, header.kid)
    if (candidates.length === 0)
      throw new TokenInvalid(
        header.kid === undefined
          ? `No ${header.alg} key is available to verify the token`
          : 'The token was signed with an unknown key (kid)',
        { reason: 'kid' },
      )
  }
  checkSignature(parts, header, spec, candidates)
}

/**
 * {@link verifySignature} without waiting, when it can be decided with the keys in memory
 * (`resolver.known()`): true when the signature is valid, throws when it is not. False, having
 * checked nothing, when the keys are not in memory or none fits the header's `alg` and `kid`:
 * then {@link verifySignature} decides (it may fetch keys).
 *
 * @example
 * ```ts
 * if (!verifySignatureNow(parts, header, resolver)) await verifySignature(parts, header, resolver)
 * ```
 */
export function verifySignatureNow(
  parts: CompactJwsParts,
  header: ProtectedHeader,
  resolver: KeyResolver,
): boolean {
  const spec = specOf(header)
  const candidates = resolver.known()?.select(header.alg, header.kid)
  if (candidates === undefined || candidates.length === 0) return false
  checkSignature(parts, header, spec, candidates)
  return true
}

function specOf(header: ProtectedHeader): AlgorithmSpec {
  const spec = algorithmSpec(header.alg)
  if (!spec)
    throw new TokenInvalid(`Algorithm ${header.alg} is not allowed`, { reason: 'algorithm' })
  return spec
}

function checkSignature(
  parts: CompactJwsParts,
  header: ProtectedHeader,
  spec: AlgorithmSpec,
  candidates: readonly VerificationKey[],
): void {
  // oauth4webapi's rule: with several possible keys, the token must say which one it used.
  if (header.kid === undefined && candidates.length > 1)
    throw new TokenInvalid('The token names no key (kid) and several keys could verify it', {
      reason: 'kid',
    })
  // The signing input is base64url, so ASCII: latin1 copies it byte for byte, cheaper than utf8.
  const data = Buffer.from(parts.signingInput, 'latin1')
  const signature = decodeBase64url(parts.signature)
  for (const candidate of candidates) {
    let valid = false
    try {
      valid = spec.check(data, candidate.key, signature)
    } catch {
      // OpenSSL refuses some malformed signatures by throwing; for us that is just "invalid".
    }
    if (valid) return
  }
  throw new TokenInvalid('The token signature is invalid', { reason: 'signature' })
}
