/**
 * Error causes stripped to what a log needs. HTTP-client and JOSE errors carry data bags —
 * the claims of a refused id_token, the expected nonce, a response with its body — that must
 * not travel with an error into logs, events or analytics (security.md §5.5).
 */

const MAX_DEPTH = 5

/** An Error with only the name, message, code and stack of `value` (and of its causes). */
function safeError(value: unknown, depth: number): Error | undefined {
  if (!(value instanceof Error) || depth >= MAX_DEPTH) return undefined
  const copy = new Error(value.message)
  copy.name = value.name
  copy.stack = value.stack
  const code = (value as { code?: unknown }).code
  if (typeof code === 'string' || typeof code === 'number')
    Object.defineProperty(copy, 'code', { value: code, enumerable: true })
  const cause = safeError((value as { cause?: unknown }).cause, depth + 1)
  if (cause) Object.defineProperty(copy, 'cause', { value: cause, enumerable: false })
  return copy
}

/**
 * A copy of `err` (same class, same fields) whose `cause` chain keeps only Errors' names,
 * messages, codes and stacks; causes that are not Errors are dropped.
 *
 * @example
 * ```ts
 * emit('auth.failed', { backend, error: withSafeCause(err) })
 * ```
 */
export function withSafeCause<E extends Error>(err: E): E {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as E
  for (const key of Reflect.ownKeys(err)) {
    if (key === 'cause') continue
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(err, key)!)
  }
  const cause = safeError((err as { cause?: unknown }).cause, 0)
  if (cause) Object.defineProperty(copy, 'cause', { value: cause, enumerable: false })
  return copy
}
