/** Where the store reports problems that must not fail a login (undecryptable tokens, plaintext in production). */
export interface StorageLogger {
  warn(message: string): void
}
