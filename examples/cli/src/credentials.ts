import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** What the CLI keeps between runs. */
export interface Credentials {
  readonly accessToken: string
  /** Epoch seconds. */
  readonly expiresAt: number
  readonly appUrl: string
}

/** Writes the credentials readable by the user only (0600, in a 0700 directory). */
export async function saveCredentials(file: string, credentials: Credentials): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 })
  // `mode` applies only when the file is created; an older file keeps its bits otherwise.
  await chmod(file, 0o600)
}

/** The stored credentials, or undefined when there are none (or they are unreadable). */
export async function loadCredentials(file: string): Promise<Credentials | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Credentials>
    if (typeof parsed.accessToken !== 'string' || typeof parsed.expiresAt !== 'number')
      return undefined
    return {
      accessToken: parsed.accessToken,
      expiresAt: parsed.expiresAt,
      appUrl: String(parsed.appUrl ?? ''),
    }
  } catch {
    return undefined
  }
}

/** Forgets the credentials. */
export async function removeCredentials(file: string): Promise<void> {
  await rm(file, { force: true })
}
