// The strict base64url alphabet of RFC 7515 §2 (RFC 4648 §5 without padding). A table lookup
// per character: the value of each accepted character, 255 for everything else.
const VALUES = new Uint8Array(128).fill(255)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
for (let i = 0; i < ALPHABET.length; i += 1) VALUES[ALPHABET.charCodeAt(i)] = i

/**
 * True when `text[start, end)` is canonical, unpadded base64url: only `[A-Za-z0-9_-]`, a length
 * that encodes whole bytes, and zero bits in the unused tail of the last character. Lenient
 * decoders accept more (`+`, `/`, `=`, whitespace, non-zero tail bits) and so would let one
 * token be spelled many ways (CVE-2022-25898).
 *
 * @example
 * ```ts
 * isCanonicalBase64url('eyJhbGciOiJFUzI1NiJ9', 0, 20) // true
 * isCanonicalBase64url('ab+/', 0, 4)                 // false
 * ```
 */
export function isCanonicalBase64url(text: string, start: number, end: number): boolean {
  const length = end - start
  if (length <= 0 || length % 4 === 1) return false
  let last = 0
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i)
    last = code < 128 ? (VALUES[code] as number) : 255
    if (last === 255) return false
  }
  // 2 characters in the last group carry 12 bits for 8: the low 4 must be zero; 3 carry 18 for 16.
  const rest = length % 4
  if (rest === 2) return (last & 0x0f) === 0
  if (rest === 3) return (last & 0x03) === 0
  return true
}

/** Decodes a segment already checked by {@link isCanonicalBase64url}. */
export function decodeBase64url(segment: string): Buffer {
  return Buffer.from(segment, 'base64url')
}
