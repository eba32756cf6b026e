// The strict base64url alphabet of RFC 7515 §2 (RFC 4648 §5 without padding): the value of
// each accepted character, 255 for everything else.
const VALUES = new Uint8Array(128).fill(255)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
for (let i = 0; i < ALPHABET.length; i += 1) VALUES[ALPHABET.charCodeAt(i)] = i

/**
 * The canonical-form rule of unpadded base64url for `text[start, end)`, whose characters are
 * already known to be `[A-Za-z0-9_-]` (compact-jws checks the alphabet of all three segments
 * at once): a non-empty length that encodes whole bytes, and zero bits in the unused tail of
 * the last character. Lenient decoders accept more (`+`, `/`, `=`, whitespace, non-zero tail
 * bits) and so would let one token be spelled many ways (CVE-2022-25898).
 *
 * @example
 * ```ts
 * hasCanonicalEnd('QQ', 0, 2) // true: "A"
 * hasCanonicalEnd('QR', 0, 2) // false: also "A", spelled another way
 * ```
 */
export function hasCanonicalEnd(text: string, start: number, end: number): boolean {
  const length = end - start
  if (length <= 0 || length % 4 === 1) return false
  const rest = length % 4
  if (rest === 0) return true
  const code = text.charCodeAt(end - 1)
  const last = code < 128 ? (VALUES[code] as number) : 255
  // 2 characters in the last group carry 12 bits for 8: the low 4 must be zero; 3 carry 18 for 16.
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0
}

/** Decodes a segment already checked by `splitCompactJws` (alphabet and {@link hasCanonicalEnd}). */
export function decodeBase64url(segment: string): Buffer {
  return Buffer.from(segment, 'base64url')
}
