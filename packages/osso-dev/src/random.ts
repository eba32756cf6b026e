import { randomBytes, randomUUID } from 'node:crypto'

/** 64 lowercase hex characters from a CSPRNG, the format of Osso's codes and tokens. */
export function randomHex64(): string {
  return randomBytes(32).toString('hex')
}

/** A random UUIDv4, the format of Osso's user and IdP ids. */
export function uuid(): string {
  return randomUUID()
}
