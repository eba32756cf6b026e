/** `SOCIAL_AUTH_<BACKEND>_` part of a setting name: upper-cased, `-` becomes `_` (PSA). */
export function backendSettingPrefix(backendName: string): string {
  return backendName.toUpperCase().replace(/-/g, '_')
}

/** The names tried for `name`, in PSA's order, honouring the setting's scope. */
export function settingNames(
  name: string,
  backendName: string | undefined,
  scope: 'backend' | 'global' | 'backend-only',
): string[] {
  const perBackend = backendName ? [`SOCIAL_AUTH_${backendSettingPrefix(backendName)}_${name}`] : []
  if (scope === 'backend-only') return perBackend
  if (scope === 'global') return [`SOCIAL_AUTH_${name}`, name]
  return [...perBackend, `SOCIAL_AUTH_${name}`, name]
}
