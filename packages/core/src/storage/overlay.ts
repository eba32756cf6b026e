/**
 * `target` with some members replaced. A proxy rather than a copy: a store may be a class
 * with private fields, whose methods must keep running on the store itself.
 */
export function overlay<T extends object>(target: T, replaced: Partial<T>): T {
  const bound = new Map<PropertyKey, unknown>()
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof T]
      const value: unknown = Reflect.get(object, property, object)
      if (typeof value !== 'function') return value
      let method = bound.get(property)
      if (method === undefined) bound.set(property, (method = value.bind(object)))
      return method
    },
  })
}
