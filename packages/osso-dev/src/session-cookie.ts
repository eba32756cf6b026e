import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'

/** Name of the cookie that carries the browser's session id. */
export const SESSION_COOKIE = 'osso_dev_session'

/**
 * Reads and writes the signed session-id cookie. The session itself stays in memory, so
 * `POST /__dev/reset` can forget every session at once; the HMAC makes a forged or
 * guessed id fail before any lookup.
 */
export class SessionCookie {
  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
  ) {}

  /** The session id the request carries, if its signature is valid. */
  read(req: Request): string | undefined {
    const header = req.headers.cookie
    if (header === undefined) return undefined
    for (const part of header.split(';')) {
      const eq = part.indexOf('=')
      if (eq === -1 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue
      const [id, signature] = part
        .slice(eq + 1)
        .trim()
        .split('.')
      if (id === undefined || signature === undefined) continue
      const expected = Buffer.from(this.sign(id))
      const given = Buffer.from(signature)
      if (expected.length === given.length && timingSafeEqual(expected, given)) return id
    }
    return undefined
  }

  /** Sets the cookie for a session id. */
  write(res: Response, id: string): void {
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax']
    if (this.secure) attributes.push('Secure')
    res.append('Set-Cookie', `${SESSION_COOKIE}=${id}.${this.sign(id)}; ${attributes.join('; ')}`)
  }

  private sign(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('base64url')
  }
}
