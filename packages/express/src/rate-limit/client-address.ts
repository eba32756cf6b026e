import { isIPv4, isIPv6 } from 'node:net'
import type { Request } from 'express'

/** Expands an IPv6 address to its eight 16-bit groups (without an embedded IPv4 tail). */
function ipv6Groups(address: string): string[] | undefined {
  const [head = '', tail] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - left.length - right.length
  if (tail === undefined ? left.length !== 8 : missing < 1) return undefined
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
}

/**
 * The client address a per-IP limit counts, from `req.ip` (so Express's `trust proxy` decides
 * whether `X-Forwarded-For` is believed). IPv4-mapped IPv6 addresses count as their IPv4
 * address, and other IPv6 addresses by their /64 prefix: one subscriber usually holds a whole
 * /64, so counting single addresses would let them rotate past any limit.
 *
 * @example
 * ```ts
 * clientAddress(req) // '203.0.113.7' or '2001:db8:1:2::/64'
 * ```
 */
export function clientAddress(req: Request): string {
  const raw = (req.ip ?? req.socket?.remoteAddress ?? '').replace(/%.*$/, '')
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(raw)?.[1]
  if (mapped && isIPv4(mapped)) return mapped
  if (isIPv4(raw)) return raw
  if (isIPv6(raw) && !raw.includes('.')) {
    const groups = ipv6Groups(raw.toLowerCase())
    if (groups)
      return `${groups
        .slice(0, 4)
        .map((g) => g.replace(/^0+(?=.)/, ''))
        .join(':')}::/64`
  }
  return raw === '' ? 'unknown' : raw.toLowerCase()
}
