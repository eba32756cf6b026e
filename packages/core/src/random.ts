/**
 * Randomness from the platform CSPRNG (Web Crypto, global in Node 20+), so core needs no
 * runtime dependency and no `node:` import.
 */

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** A random string over `chars` without modulo bias (PSA `random_string`). */
export function randomString(length = 12, chars = ALPHANUMERIC): string {
  // Reject bytes past the largest multiple of chars.length so every char is equally likely.
  const limit = 256 - (256 % chars.length)
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const byte of bytes) {
      if (byte < limit) out += chars[byte % chars.length]
      if (out.length === length) break
    }
  }
  return out
}

/** 32 lowercase hex characters from a v4 UUID (PSA `uuid4().hex`). */
export function uuidHex(): string {
  return crypto.randomUUID().replace(/-/g, '')
}

/** Constant-time comparison of two strings (state and CSRF tokens). */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const encoder = new TextEncoder()
  const left = encoder.encode(a)
  const right = encoder.encode(b)
  let diff = left.length ^ right.length
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    diff |= (left[i] ?? 0) ^ (right[i] ?? 0)
  }
  return diff === 0
}
