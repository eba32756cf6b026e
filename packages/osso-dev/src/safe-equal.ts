import { createHash, timingSafeEqual } from 'node:crypto'

/** Constant-time string comparison; hashing first hides the length too. */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}
