import type { Service } from './types.js'

/** Osso's display name of a service: Ruby's `titlecase` (`ONELOGIN` → `Onelogin`). */
export function serviceName(service: Service): string {
  return service.charAt(0) + service.slice(1).toLowerCase()
}
