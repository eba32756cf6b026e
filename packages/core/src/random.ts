/**
 * Randomness from the platform CSPRNG (Web Crypto, global in Node 20+), so core needs no
 * runtime dependency and no `node:` import.
 */

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

// Each call into the CSPRNG costs microseconds whatever its size, and a login asks for a few
// dozen bytes several times (CSRF token, state, PKCE verifier): draw them from a pool filled
// 4 KiB at a time, as Node does for randomUUID. Every byte is handed out once, then wiped.
const POOL_SIZE = 4096
const pool = new Uint8Array(POOL_SIZE)
let poolOffset = POOL_SIZE

/** `count` bytes from the platform CSPRNG (Web Crypto). */
export function randomBytes(count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a whole number')
  if (count > POOL_SIZE / 4) {
    const bytes = new Uint8Array(count)
    // Web Crypto fills at most 65,536 bytes per call.
    for (let at = 0; at < count; at += 65_536)
      crypto.getRandomValues(bytes.subarray(at, at + 65_536))
    return bytes
  }
  if (poolOffset + count > POOL_SIZE) {
    crypto.getRandomValues(pool)
    poolOffset = 0
  }
  const bytes = pool.slice(poolOffset, poolOffset + count)
  pool.fill(0, poolOffset, poolOffset + count)
  poolOffset += count
  return bytes
}

/**
 * A random base64url token of `byteCount` bytes (32 bytes: 43 characters, 256 bits), the form
 * of OAuth `state`, PKCE verifiers and OIDC nonces.
 */
export function randomToken(byteCount = 32): string {
  const bytes = randomBytes(byteCount)
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out +=
      BASE64URL[n >> 18]! +
      BASE64URL[(n >> 12) & 63]! +
      BASE64URL[(n >> 6) & 63]! +
      BASE64URL[n & 63]!
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8)
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]!
    if (i + 1 < bytes.length) out += BASE64URL[(n >> 6) & 63]!
  }
  return out
}

/** A random string over `chars` without modulo bias (PSA `random_string`). */
export function randomString(length = 12, chars = ALPHANUMERIC): string {
  if (chars.length === 0 || chars.length > 256)
    throw new RangeError('chars must hold between 1 and 256 characters')
  // Reject bytes past the largest multiple of chars.length so every char is equally likely.
  const limit = 256 - (256 % chars.length)
  let out = ''
  while (out.length < length) {
    const bytes = randomBytes(length * 2)
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
