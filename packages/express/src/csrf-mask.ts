import { randomBytes, timingSafeEqual } from 'node:crypto'

/** The size of a CSRF secret, in bytes. */
export const CSRF_SECRET_BYTES = 32
/** A masked token's length: the mask and the masked secret, base64url. */
const TOKEN_LENGTH = 86

/** The bytes of a stored secret (43 base64url characters; legacy ones are alphanumeric). */
export const secretBytes = (secret: string): Buffer => {
  const bytes = Buffer.alloc(CSRF_SECRET_BYTES)
  Buffer.from(secret, 'base64url').copy(bytes)
  return bytes
}

/**
 * A token for `secret`: fresh random bytes, then the secret XORed with them, as Django masks
 * its CSRF token. A page never repeats a token, so a compressed page that also reflects a
 * visitor's input cannot be made to leak it byte by byte (BREACH).
 */
export function maskSecret(secret: Buffer): string {
  const token = Buffer.allocUnsafe(CSRF_SECRET_BYTES * 2)
  randomBytes(CSRF_SECRET_BYTES).copy(token)
  for (let i = 0; i < CSRF_SECRET_BYTES; i++) token[CSRF_SECRET_BYTES + i] = token[i]! ^ secret[i]!
  return token.toString('base64url')
}

/** True when `token` is a mask of `secret` (constant time once the length is right). */
export function unmasksTo(token: string, secret: Buffer): boolean {
  if (token.length !== TOKEN_LENGTH) return false
  const bytes = Buffer.from(token, 'base64url')
  if (bytes.length !== CSRF_SECRET_BYTES * 2) return false
  const unmasked = Buffer.allocUnsafe(CSRF_SECRET_BYTES)
  for (let i = 0; i < CSRF_SECRET_BYTES; i++)
    unmasked[i] = bytes[i]! ^ bytes[CSRF_SECRET_BYTES + i]!
  return timingSafeEqual(unmasked, secret)
}
